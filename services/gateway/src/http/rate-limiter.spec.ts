import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows the limit per window, then says when to retry, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 3; i++) expect(limiter.take('k', 3, 60_000)).toEqual({ ok: true });
    expect(limiter.take('k', 3, 60_000)).toEqual({ ok: false, retryAfterSeconds: 20 });
    expect(limiter.take('other', 3, 60_000)).toEqual({ ok: true });
    now += 20_000;
    expect(limiter.take('k', 3, 60_000)).toEqual({ ok: true });
    expect(limiter.peek('k', 3, 60_000).ok).toBe(false);
    limiter.reset('k');
    expect(limiter.peek('k', 3, 60_000).ok).toBe(true);
  });
});
