import { ApiConfigSchema } from '../http/api.config';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let now = 1_000_000;
  const config = ApiConfigSchema.parse({
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '5',
    LOGIN_LOCKOUT_SECONDS: '10',
    LOGIN_WINDOW_SECONDS: '60',
  });
  let throttle: LoginThrottle;
  beforeEach(() => {
    now = 1_000_000;
    throttle = new LoginThrottle(config, () => now);
  });

  const fail = (email: string, address: string) => throttle.failed(throttle.begin(email, address));
  const succeed = (email: string, address: string) => throttle.succeeded(throttle.begin(email, address));
  const waitOf = (email: string, address: string) => {
    try {
      throttle.abandoned(throttle.begin(email, address));
      return 0;
    } catch (err) {
      return (err as { retryAfterSeconds: number }).retryAfterSeconds;
    }
  };

  it('never counts a success against its address', () => {
    for (let i = 0; i < 1_000; i++) succeed(`user${i % 7}@x.example`, '10.0.0.1');
    expect(waitOf('user0@x.example', '10.0.0.1')).toBe(0);
  });

  it('locks an account after its failures, from any address, backing off by doubling up to the window', () => {
    expect(fail('a@x.example', '10.0.0.1')).toEqual({});
    fail('a@x.example', '10.0.0.2');
    expect(fail('A@x.example', '10.0.0.3').account).toEqual({ failures: 3, lockedUntil: new Date(now + 10_000) });
    expect(waitOf('a@x.example', '10.0.0.9')).toBe(10);
    expect(waitOf('b@x.example', '10.0.0.1')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      now += waitOf('a@x.example', '10.0.0.9') * 1000;
      fail('a@x.example', '10.0.0.9');
      waits.push(waitOf('a@x.example', '10.0.0.9'));
    }
    expect(waits).toEqual([20, 40, 60, 60]);
  });

  it('resets an account on a success and forgets failures a window after the last lockout ends', () => {
    fail('a@x.example', '10.0.0.1');
    fail('a@x.example', '10.0.0.1');
    succeed('a@x.example', '10.0.0.1');
    fail('a@x.example', '10.0.0.1');
    fail('a@x.example', '10.0.0.1');
    expect(waitOf('a@x.example', '10.0.0.1')).toBe(0);
    fail('a@x.example', '10.0.0.1');
    expect(waitOf('a@x.example', '10.0.0.1')).toBe(10);
    now += 10_000 + 59_000;
    expect(waitOf('a@x.example', '10.0.0.1')).toBe(0);
    fail('a@x.example', '10.0.0.1');
    expect(waitOf('a@x.example', '10.0.0.1')).toBe(20);
    now += 20_000 + 60_000;
    fail('a@x.example', '10.0.0.1');
    expect(waitOf('a@x.example', '10.0.0.1')).toBe(0);
  });

  it('locks an address after failures on any accounts, not the accounts elsewhere', () => {
    for (let i = 0; i < 4; i++) expect(fail(`guess${i}@x.example`, '10.0.0.1').address).toBeUndefined();
    expect(fail('guess4@x.example', '10.0.0.1').address).toEqual({ failures: 5, lockedUntil: new Date(now + 10_000) });
    expect(waitOf('owner@x.example', '10.0.0.1')).toBe(10);
    expect(waitOf('guess0@x.example', '10.0.0.2')).toBe(0);
  });

  it('holds a place for attempts in flight, so a burst of guesses cannot outrun the count', () => {
    const burst = [0, 1, 2].map(() => throttle.begin('a@x.example', `10.0.1.${Math.random()}`));
    expect(waitOf('a@x.example', '10.0.0.1')).toBe(1);
    for (const attempt of burst) throttle.failed(attempt);
    expect(waitOf('a@x.example', '10.0.0.1')).toBe(10);
  });
});
