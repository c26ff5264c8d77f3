import { isUlid } from '@app/core';
import { describe, expect, it } from 'vitest';
import { pooledRandomBytes, ulidFactory } from './random.ts';

describe('ids and randomness', () => {
  it('makes ULIDs with the time first, sorting in the order they were made within a millisecond', () => {
    const next = ulidFactory();
    const ids = Array.from({ length: 1000 }, () => next(1_767_225_600_000));
    expect(ids.every(isUlid)).toBe(true);
    expect(ids[0]?.slice(0, 10)).toBe('01KDVDNA00'); // 2026-01-01T00:00:00Z
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(next(1_767_225_600_001) > (ids[999] as string)).toBe(true);
  });

  it('never hands out the same random bytes twice', () => {
    const seen = new Set(Array.from({ length: 5000 }, () => pooledRandomBytes(12).toString('hex')));
    expect(seen.size).toBe(5000);
  });
});
