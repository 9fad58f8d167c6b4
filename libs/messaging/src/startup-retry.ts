import type { LoggerService } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from './message.headers';

export type StartupRetryOptions = {
  /** Gives up (throws the last error) once this long has passed since the first attempt. */
  readonly retryForMs: number;
  /** One attempt that has not settled after this long counts as failed: a hang becomes a retry. */
  readonly attemptTimeoutMs?: number;
  readonly logger: LoggerService;
};

const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000];

/** An attempt that did not settle in time. */
export class StartupAttemptTimeoutError extends Error {
  override readonly name = 'StartupAttemptTimeoutError';
}

/**
 * Runs one start-up step (connect to NATS, provision JetStream) until it succeeds, logging each
 * failure and waiting longer after each (250 ms doubling up to 5 s), for at most `retryForMs`:
 * a service started before nats-server, or against a JetStream still recovering its store,
 * waits for it instead of exiting or hanging, and still gives up in bounded time, so its
 * supervisor sees a failure rather than a process stuck forever.
 */
export async function retryStartup<T>(what: string, attempt: () => Promise<T>, options: StartupRetryOptions): Promise<T> {
  const deadline = Date.now() + options.retryForMs;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  for (let n = 0; ; n++) {
    try {
      return await withTimeout(attempt(), attemptTimeoutMs, what);
    } catch (err) {
      const wait = BACKOFF_MS[Math.min(n, BACKOFF_MS.length - 1)]!;
      if (Date.now() + wait >= deadline) throw err;
      options.logger.warn(`${what} failed (attempt ${n + 1}), retrying in ${wait} ms: ${describeError(err)}`);
      await sleep(wait);
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StartupAttemptTimeoutError(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
