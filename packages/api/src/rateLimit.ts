// Token buckets per user and per tenant (DESIGN.md §7: at least 50 requests/s per user with
// bursts of 100, and 500/s per tenant, before RATE_LIMITED). HTTP APIs have no per-client
// throttling, so the limits live here, per process: each Lambda instance keeps its own buckets.

export interface RateLimits {
  readonly userPerSecond: number;
  readonly userBurst: number;
  readonly tenantPerSecond: number;
  readonly tenantBurst: number;
}

export const DEFAULT_LIMITS: RateLimits = {
  userPerSecond: 50,
  userBurst: 100,
  tenantPerSecond: 500,
  tenantBurst: 1_000,
};

class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes a token for `key` at `now` (ms); false when its bucket is empty. */
  take(key: string, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1_000) * this.perSecond);
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }
}

export class RateLimiter {
  private readonly users: Buckets;
  private readonly tenants: Buckets;

  constructor(
    limits: RateLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.users = new Buckets(limits.userPerSecond, limits.userBurst);
    this.tenants = new Buckets(limits.tenantPerSecond, limits.tenantBurst);
  }

  /** Whether a request of this user (of this tenant, if any) may go ahead now. */
  allow(userId: string, tenantId: string | null): boolean {
    const now = this.now();
    if (!this.users.take(`${tenantId ?? '_platform'}/${userId}`, now)) return false;
    return tenantId === null || this.tenants.take(tenantId, now);
  }
}
