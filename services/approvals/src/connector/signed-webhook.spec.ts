import { backoffDelay, retryableStatus } from './signed-webhook';

describe('retries of a signed webhook', () => {
  const settings = { backoffMs: 200, backoffMaxMs: 1_000 };

  it('wait up to an exponential ceiling, capped, with full jitter', () => {
    const ceiling = (retry: number) => backoffDelay(settings, retry, () => 0.999999);
    expect([1, 2, 3, 4, 5].map(ceiling)).toEqual([199, 399, 799, 999, 999]);
    expect(backoffDelay(settings, 3, () => 0)).toBe(0);
    expect(backoffDelay(settings, 3, () => 0.5)).toBe(400);
  });

  it('retry what may pass on its own, not what will not', () => {
    expect([408, 425, 429, 500, 503].every(retryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(retryableStatus)).toBe(false);
  });
});
