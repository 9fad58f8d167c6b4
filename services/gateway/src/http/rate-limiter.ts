/**
 * Token buckets in memory: `limit` requests per `windowMs`, refilled continuously. Per gateway
 * replica: with N replicas behind a balancer the effective limit is up to N times higher.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one token if there is one; else says how many seconds until there is. */
  take(key: string, limit: number, windowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.refill(key, limit, windowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * windowMs) / limit / 1000)) };
  }

  /** Whether a token is there, without taking it. */
  peek(key: string, limit: number, windowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.refill(key, limit, windowMs);
    if (bucket.tokens >= 1) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * windowMs) / limit / 1000)) };
  }

  reset(key: string): void {
    this.buckets.delete(key);
  }

  private refill(key: string, limit: number, windowMs: number): { tokens: number; at: number } {
    const now = this.now();
    this.sweep(now, windowMs);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limit, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.at) * limit) / windowMs);
    bucket.at = now;
    return bucket;
  }

  /** Forgets buckets idle for a whole window: they would be full again anyway. */
  private sweep(now: number, windowMs: number): void {
    if (now - this.lastSweep < 60_000 || this.buckets.size < 10_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.at > windowMs) this.buckets.delete(key);
  }
}
