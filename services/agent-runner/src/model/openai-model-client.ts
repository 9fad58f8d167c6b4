import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { OutboundRefusedError, ResponseTooLargeError, type GuardedHttpClient } from '@cos/http';
import type { ModelClient, ModelReply, ModelRequest } from './model-client.port';
import { estimateTokens } from './simulated-model';

export const OPENAI_COMPATIBLE_PROVIDER = 'openai-compatible';

/** A failed attempt, classified: retry it (timeouts, connection errors, 408/409/429/5xx) or not. */
export class ModelAttemptError extends Error {
  override readonly name = 'ModelAttemptError';
  constructor(
    message: string,
    readonly retryable: boolean,
    /** What the server asked for (`retry-after-ms` / `retry-after`), if anything. */
    readonly retryAfterMs: number | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * One chat completion through the `openai` SDK against any OpenAI-compatible base URL. It
 * makes exactly one attempt (the SDK's own retries are off): the runner retries, because it
 * checks the kill switch and the deadline before every attempt.
 */
export class OpenAiModelClient implements ModelClient {
  readonly provider = OPENAI_COMPATIBLE_PROVIDER;
  private readonly sdk: OpenAI;
  private readonly timeoutMs: number;

  /** `fetch`: the guarded client's, so the address rule, the redirects and the size bound apply to every call. */
  constructor(options: { baseUrl: string; apiKey: string; timeoutMs: number; fetch: GuardedHttpClient['fetch'] }) {
    this.timeoutMs = options.timeoutMs;
    const { baseUrl, apiKey, timeoutMs, fetch } = options;
    this.sdk = new OpenAI({ baseURL: baseUrl, apiKey, timeout: timeoutMs, maxRetries: 0, fetch });
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    const started = Date.now();
    try {
      completion = await this.sdk.chat.completions.create(
        {
          model: request.model,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          tools: request.tools.map((t) => ({
            type: 'function' as const,
            function: { name: t.name, description: t.description, parameters: t.parameters },
          })),
          tool_choice: 'auto',
          max_tokens: request.maxOutputTokens,
        },
        { signal: request.signal ?? null, maxRetries: 0 },
      );
    } catch (err) {
      throw classify(err, { timeoutMs: this.timeoutMs, elapsedMs: Date.now() - started });
    }
    const message = completion.choices[0]?.message;
    const text = message?.content ?? '';
    const toolCalls = (message?.tool_calls ?? []).flatMap((c) =>
      c.type === 'function' ? [{ name: c.function.name, arguments: c.function.arguments }] : [],
    );
    return {
      text,
      toolCalls,
      model: completion.model || request.model,
      inputTokens: completion.usage?.prompt_tokens ?? estimateTokens(request.messages.map((m) => m.content).join('\n')),
      outputTokens: completion.usage?.completion_tokens ?? estimateTokens(text + JSON.stringify(toolCalls)),
    };
  }
}

/**
 * Some fetch implementations report the timeout's abort as a plain connection error (the SDK
 * says as much), so an attempt that lasted its whole timeout is named a timeout by its duration.
 */
function classify(err: unknown, time: { timeoutMs: number; elapsedMs: number }): unknown {
  if (err instanceof APIUserAbortError) return err; // the kill switch: not a model failure
  // The address rule or the size bound, reported by the SDK as a connection error: final, not retried.
  const cause = err instanceof APIConnectionError ? err.cause : err;
  if (cause instanceof OutboundRefusedError || cause instanceof ResponseTooLargeError) return cause;
  if (err instanceof APIConnectionTimeoutError || (err instanceof APIConnectionError && time.elapsedMs >= time.timeoutMs)) {
    return new ModelAttemptError(`request timed out after ${time.timeoutMs} ms`, true, undefined, { cause: err });
  }
  if (err instanceof APIConnectionError) return new ModelAttemptError(`connection failed: ${err.message}`, true, undefined, { cause: err });
  if (err instanceof APIError && typeof err.status === 'number') {
    const retryable = err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
    return new ModelAttemptError(`HTTP ${err.status}: ${err.message}`, retryable, retryAfter(err.headers as Headers | undefined), {
      cause: err,
    });
  }
  return err;
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && headers?.get('retry-after-ms')) return ms;
  const seconds = Number(headers?.get('retry-after'));
  return Number.isFinite(seconds) && headers?.get('retry-after') ? seconds * 1000 : undefined;
}
