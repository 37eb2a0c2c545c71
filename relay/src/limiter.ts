/**
 * Counts attempts per key in a fixed window (login brute force). An attempt is reserved before
 * the slow check it guards (scrypt) and only refunded if it succeeds, so a burst of concurrent
 * guesses cannot all slip in before the first failure is recorded: at most `max` attempts per key
 * per window are ever evaluated, however many arrive at once.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private current(key: string, t: number) {
    const w = this.windows.get(key);
    if (!w || t >= w.resetAt) {
      const fresh = { count: 0, resetAt: t + this.windowMs };
      this.windows.set(key, fresh);
      return fresh;
    }
    return w;
  }

  /** Seconds until the key may try again, or 0 when it may try now. Reserves nothing. */
  retryAfter(key: string): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const t = this.now();
    if (t >= w.resetAt) {
      this.windows.delete(key);
      return 0;
    }
    return w.count >= this.max ? Math.max(1, Math.ceil((w.resetAt - t) / 1000)) : 0;
  }

  /** Counts one attempt now: before the check it guards, not after. */
  reserve(key: string): void {
    this.current(key, this.now()).count += 1;
  }

  /** Gives back a reserved attempt that succeeded. */
  release(key: string): void {
    const w = this.windows.get(key);
    if (w && w.count > 0) w.count -= 1;
  }

  clear(key: string): void {
    this.windows.delete(key);
  }

  /** Drops expired windows so memory stays bounded by recent attackers. */
  sweep(): void {
    const t = this.now();
    for (const [key, w] of this.windows) if (t >= w.resetAt) this.windows.delete(key);
  }
}

/**
 * Reserves one attempt under every (limiter, key) pair, or none: checked and counted in the same
 * synchronous step, so concurrent requests cannot all pass the check before any is counted.
 * Returns 0 when reserved, else the seconds until the busiest pair frees up.
 */
export function reserveAttempt(pairs: [FailureLimiter, string][]): number {
  const wait = Math.max(0, ...pairs.map(([limiter, key]) => limiter.retryAfter(key)));
  if (wait > 0) return wait;
  for (const [limiter, key] of pairs) limiter.reserve(key);
  return 0;
}

/** A token bucket per key (client address) for new connections. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.ratePerSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Drops full buckets: they hold no information. */
  sweep(): void {
    const t = this.now();
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.ratePerSecond >= this.burst)
        this.buckets.delete(key);
    }
  }
}
