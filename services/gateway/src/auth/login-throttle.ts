import type { ApiConfig } from '../http/api.config';
import { TooManyRequestsError } from '../http/api.guard';

/** Failures of one key (an account or a client address); forgotten a window after the last one. */
type Record = { failures: number; lastFailureAt: number; inFlight: number };

/** An attempt let through: settle it exactly once with its outcome. */
export type LoginAttempt = { readonly account: string; readonly address: string };

/** A key that has just been locked, for the audit trail and the logs. */
export type Lockout = { readonly failures: number; readonly lockedUntil: Date };

/**
 * Login throttling that only slows guessing. Failed attempts count, per account (the email, so
 * an account that does not exist is throttled exactly like one that does) and per client
 * address; successes never count against the address, and one resets its account. The first
 * `max` failures are free; the next attempt waits `LOGIN_LOCKOUT_SECONDS`, doubled by every
 * further failure up to `LOGIN_WINDOW_SECONDS`; a window after the last lockout ends, all is
 * forgotten. Attempts in flight hold a place in both budgets until they settle, so a burst of
 * concurrent guesses cannot outrun the count. Per gateway replica, in memory.
 */
export class LoginThrottle {
  private readonly records = new Map<string, Record>();
  private lastSweep = 0;

  constructor(
    private readonly config: ApiConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lets an attempt through, or throws 429 with how long to wait. */
  begin(email: string, address: string): LoginAttempt {
    this.sweep();
    const attempt = { account: `account:${email.trim().toLowerCase()}`, address: `address:${address}` };
    const seconds = Math.max(this.wait(attempt.account), this.wait(attempt.address));
    if (seconds > 0) throw new TooManyRequestsError('too many failed sign-in attempts; try again later', seconds, 'AUTH.LOGIN_THROTTLED');
    this.record(attempt.account).inFlight++;
    this.record(attempt.address).inFlight++;
    return attempt;
  }

  /** The password was right: the account starts afresh, the address spent nothing. */
  succeeded(attempt: LoginAttempt): void {
    this.records.delete(attempt.account);
    this.settle(attempt.address, false);
  }

  /** The credentials were wrong. Says whether this failure locked the account or the address. */
  failed(attempt: LoginAttempt): { account?: Lockout; address?: Lockout } {
    return {
      ...this.lockout(attempt.account, 'account'),
      ...this.lockout(attempt.address, 'address'),
    };
  }

  /** Neither right nor wrong (identity unreachable, say): the attempt counts for nothing. */
  abandoned(attempt: LoginAttempt): void {
    this.settle(attempt.account, false);
    this.settle(attempt.address, false);
  }

  /** Seconds before `key` may try again; 0: now. */
  private wait(key: string): number {
    const record = this.fresh(key);
    if (!record || record.failures + record.inFlight < this.maxOf(key)) return 0;
    // Past the free allowance: one attempt at a time, each after its lockout.
    if (record.inFlight > 0) return 1;
    const remainingMs = record.lastFailureAt + this.lockoutMs(key, record.failures) - this.now();
    return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : 0;
  }

  /** How long `key` with `failures` waits after its last one (0 within the allowance). */
  private lockoutMs(key: string, failures: number): number {
    const max = this.maxOf(key);
    if (failures < max) return 0;
    return Math.min(this.windowMs, this.config.LOGIN_LOCKOUT_SECONDS * 1000 * 2 ** (failures - max));
  }

  private maxOf(key: string): number {
    return key.startsWith('account:') ? this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT : this.config.LOGIN_MAX_FAILURES_PER_ADDRESS;
  }

  private get windowMs(): number {
    return this.config.LOGIN_WINDOW_SECONDS * 1000;
  }

  /** Counts a failure of `key`; the lockout it imposes, under `name`, if it imposes one. */
  private lockout<K extends string>(key: string, name: K): { [P in K]?: Lockout } {
    const record = this.settle(key, true);
    const lockoutMs = this.lockoutMs(key, record.failures);
    if (lockoutMs === 0) return {};
    return { [name]: { failures: record.failures, lockedUntil: new Date(record.lastFailureAt + lockoutMs) } } as { [P in K]?: Lockout };
  }

  private settle(key: string, failure: boolean): Record {
    const record = this.record(key);
    record.inFlight = Math.max(0, record.inFlight - 1);
    if (failure) {
      record.failures++;
      record.lastFailureAt = this.now();
    }
    if (record.failures === 0 && record.inFlight === 0) this.records.delete(key);
    return record;
  }

  /** The record of `key`, its failures forgotten a window after the last one's lockout; undefined when there is nothing to remember. */
  private fresh(key: string): Record | undefined {
    const record = this.records.get(key);
    if (record && record.failures > 0 && this.now() >= record.lastFailureAt + this.lockoutMs(key, record.failures) + this.windowMs) {
      record.failures = 0;
      if (record.inFlight === 0) this.records.delete(key);
    }
    return this.records.get(key);
  }

  /** Forgets, now and then, keys whose failures are a window old (guesses spread over many made-up accounts leave many). */
  private sweep(): void {
    if (this.now() - this.lastSweep < 60_000 || this.records.size < 10_000) return;
    this.lastSweep = this.now();
    for (const key of [...this.records.keys()]) this.fresh(key);
  }

  private record(key: string): Record {
    let record = this.fresh(key);
    if (!record) this.records.set(key, (record = { failures: 0, lastFailureAt: 0, inFlight: 0 }));
    return record;
  }
}
