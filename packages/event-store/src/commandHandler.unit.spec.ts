import { describe, expect, it } from 'vitest';
import { requestHash } from './commandHandler.ts';

describe('requestHash', () => {
  it('hashes the same request alike whatever its key order, and tells different requests apart', () => {
    const a = requestHash('RecordOutreach', {
      sentAt: '2026-03-01',
      channel: 'EMAIL',
      extra: undefined,
      to: { b: 1, a: [2, 3] },
    });
    const b = requestHash('RecordOutreach', { to: { a: [2, 3], b: 1 }, channel: 'EMAIL', sentAt: '2026-03-01' });
    expect(a).toBe(b);
    expect(requestHash('RecordOutreach', { to: { a: [3, 2], b: 1 }, channel: 'EMAIL', sentAt: '2026-03-01' })).not.toBe(
      a,
    );
    expect(requestHash('RecordFollowUp', { to: { a: [2, 3], b: 1 }, channel: 'EMAIL', sentAt: '2026-03-01' })).not.toBe(
      a,
    );
  });
});
