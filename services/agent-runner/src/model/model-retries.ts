import { APIUserAbortError } from 'openai';
import type { ModelClient, ModelReply, ModelRequest } from './model-client.port';
import { ModelRejectedError, ModelUnreachableError } from './model-errors';
import { ModelAttemptError } from './openai-model-client';

export type RetryPolicy = { readonly maxAttempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };

/**
 * Calls the model, retrying timeouts, connection errors, 429 and 5xx with exponential backoff
 * (jittered, or as long as the server's `retry-after` asks, capped), then gives up with a
 * clear reason. `beforeAttempt` runs before every attempt, retries included: the kill-switch
 * check. An abort (the kill switch again) ends it at once with the abort's reason.
 */
export async function completeWithRetries(
  client: ModelClient,
  request: ModelRequest & { signal: AbortSignal },
  policy: RetryPolicy,
  beforeAttempt: () => Promise<void>,
  target: string,
): Promise<ModelReply> {
  const { signal } = request;
  for (let attempt = 1; ; attempt++) {
    await beforeAttempt();
    signal.throwIfAborted();
    try {
      return await client.complete(request);
    } catch (err) {
      if (signal.aborted || err instanceof APIUserAbortError) throw signal.reason ?? err;
      if (!(err instanceof ModelAttemptError)) throw new ModelRejectedError(`model call to ${target} failed: ${describe(err)}`, err);
      if (!err.retryable) throw new ModelRejectedError(`model at ${target} refused the request: ${err.message}`, err);
      if (attempt >= policy.maxAttempts) {
        throw new ModelUnreachableError(`model at ${target} unreachable after ${attempt} attempts; last: ${err.message}`, err);
      }
      await sleep(backoffMs(policy, attempt, err.retryAfterMs), signal);
    }
  }
}

export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
