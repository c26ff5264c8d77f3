import { describe, expect, it } from 'vitest';
import type { Caller } from './auth.ts';
import { perRequest } from './perRequest.ts';

const caller = (): Caller => ({ userId: 'usr_coach', roles: ['COACH'], tenantId: null });

describe('perRequest', () => {
  it('loads a key once per request (caller object), and again for the next request', async () => {
    const memo = perRequest<number>();
    let loads = 0;
    const load = async () => ++loads;
    const first = caller();
    expect(await Promise.all([memo(first, 'a', load), memo(first, 'a', load), memo(first, 'b', load)])).toEqual([
      1, 1, 2,
    ]);
    expect(await memo(caller(), 'a', load)).toBe(3);
    expect(loads).toBe(3);
  });

  it('does not keep a failed load: the next asker tries again', async () => {
    const memo = perRequest<string>();
    const mine = caller();
    await expect(memo(mine, 'k', async () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await memo(mine, 'k', async () => 'read')).toBe('read');
  });
});
