import { PLATFORM, parseTenantId } from '@app/core';
import { describe, expect, it } from 'vitest';
import {
  deriveStreamId,
  guard,
  guardKey,
  logPartition,
  logSortKey,
  parseStreamId,
  streamKey,
  streamRef,
} from './keys.ts';

const tenant = parseTenantId('ten_01J9Z3Q4V5W6X7Y8Z9A0B1C2D3');

describe('keys', () => {
  it('lead with the scope and refuse parts that could forge another key', () => {
    expect(streamKey(streamRef(tenant, 'Interview', 'int_01J9Z3Q4V5W6X7Y8Z9A0B1C2D3'))).toBe(
      'ten_01J9Z3Q4V5W6X7Y8Z9A0B1C2D3#Interview#int_01J9Z3Q4V5W6X7Y8Z9A0B1C2D3',
    );
    expect(() => parseStreamId('x#Interview#y')).toThrow(/stream id/);
    expect(() => streamRef(tenant, 'interview', 'a')).toThrow(/stream type/);
    expect(guardKey(PLATFORM, guard('SlugGuard', 'mit'))).toBe('_platform#Guard#SlugGuard#mit');
  });

  it('derive a creating command’s stream id from tenant, user, command and key', () => {
    const parts = { scope: tenant, userId: 'usr_a', commandType: 'PlanInterview', idempotencyKey: 'k1' };
    const id = deriveStreamId('int_', parts);
    expect(id).toMatch(/^int_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(deriveStreamId('int_', parts)).toBe(id);
    for (const change of [
      { userId: 'usr_b' },
      { commandType: 'AddContact' },
      { idempotencyKey: 'k2' },
      { scope: PLATFORM },
    ]) {
      expect(deriveStreamId('int_', { ...parts, ...change })).not.toBe(id);
    }
  });

  it('sort the tenant log by recorded time, then stream, then version', () => {
    expect(logPartition(tenant, '2026-03-01T23:59:59.999Z')).toBe('ten_01J9Z3Q4V5W6X7Y8Z9A0B1C2D3#log#2026-03-01');
    const keys = [logSortKey('2026-03-01T10:00:00.000Z', 'p', 10), logSortKey('2026-03-01T10:00:00.000Z', 'p', 9)];
    expect(keys.sort()).toEqual([
      logSortKey('2026-03-01T10:00:00.000Z', 'p', 9),
      logSortKey('2026-03-01T10:00:00.000Z', 'p', 10),
    ]);
  });
});
