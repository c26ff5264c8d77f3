import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rateLimit.ts';

describe('rate limits', () => {
  it('lets a user burst to 100, then 50 a second; another user of the tenant is unaffected', () => {
    let now = 0;
    const limiter = new RateLimiter(undefined, () => now);
    const burst = Array.from({ length: 101 }, () => limiter.allow('usr_a', 'ten_1'));
    expect(burst.filter(Boolean)).toHaveLength(100);
    expect(limiter.allow('usr_b', 'ten_1')).toBe(true);
    now += 1_000; // a second later: 50 more
    expect(Array.from({ length: 51 }, () => limiter.allow('usr_a', 'ten_1')).filter(Boolean)).toHaveLength(50);
  });

  it('holds a tenant to 500 a second after its burst, however many users share it', () => {
    let now = 0;
    const limiter = new RateLimiter(
      { userPerSecond: 50, userBurst: 100, tenantPerSecond: 500, tenantBurst: 500 },
      () => now,
    );
    let allowed = 0;
    for (let u = 0; u < 20; u++) for (let i = 0; i < 50; i++) if (limiter.allow(`usr_${u}`, 'ten_1')) allowed++;
    expect(allowed).toBe(500);
    expect(limiter.allow('usr_x', 'ten_2')).toBe(true);
    now += 100; // a tenth of a second refills 50
    let more = 0;
    for (let u = 100; u < 200; u++) if (limiter.allow(`usr_${u}`, 'ten_1')) more++;
    expect(more).toBe(50);
  });
});
