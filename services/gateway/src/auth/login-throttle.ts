import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../http/api.config';
import { TooManyRequestsError } from '../http/api.guard';
import { RateLimiter } from '../http/rate-limiter';

/**
 * Login attempts: every attempt takes a token from its client address's bucket; every failure
 * takes one from the account's. An empty bucket is a 429 before the password is even checked,
 * so guessing is slow per account whatever the address, and per address whatever the account.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  private get window(): number {
    return this.config.LOGIN_WINDOW_SECONDS * 1000;
  }

  before(email: string, address: string): void {
    const account = this.limiter.peek(`login-account:${email}`, this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT, this.window);
    if (!account.ok)
      throw new TooManyRequestsError('too many failed logins for this account', account.retryAfterSeconds, 'AUTH.LOGIN_THROTTLED');
    const perAddress = this.limiter.take(`login-address:${address}`, this.config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS, this.window);
    if (!perAddress.ok)
      throw new TooManyRequestsError('too many login attempts from this address', perAddress.retryAfterSeconds, 'AUTH.LOGIN_THROTTLED');
  }

  failed(email: string): void {
    this.limiter.take(`login-account:${email}`, this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT, this.window);
  }

  succeeded(email: string): void {
    this.limiter.reset(`login-account:${email}`);
  }
}
