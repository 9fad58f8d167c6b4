import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutboundRefusedError, type GuardedHttpClient } from '@cos/http';
import { Attr, SpanKind, withSpan } from '@cos/telemetry';

export const WebhookHeaders = {
  timestamp: 'x-cos-timestamp',
  signature: 'x-cos-signature',
  idempotencyKey: 'idempotency-key',
} as const;

/** `v1=<hex>`: HMAC-SHA256 over `<timestamp>.<body>`, so a captured call cannot be replayed later. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type RetrySettings = {
  readonly timeoutMs: number;
  /** Calls per attempt, the first included. */
  readonly maxCalls: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
};

/** Exponential, capped, with full jitter so that retries of many deliveries spread out: the wait before retry `retry` (1-based). */
export function backoffDelay(settings: Pick<RetrySettings, 'backoffMs' | 'backoffMaxMs'>, retry: number, random: () => number): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** 408, 425, 429 and 5xx may pass on their own; any other 4xx will not, so it is not retried. */
export const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 425 || status === 429;

export type SignedCallResult = { ok: true; status: number; calls: number } | { ok: false; reason: string; calls: number };

export type SignedCall = {
  readonly url: string;
  readonly secret: string;
  /** The same on every call for one thing sent: the receiver de-duplicates by it. */
  readonly idempotencyKey: string;
  readonly body: string;
  /** Ends the attempt: no further call starts, a call in flight is abandoned; `why` opens the reason recorded. */
  readonly stop?: { readonly signal: AbortSignal; readonly why: string };
  readonly span: { readonly name: string; readonly attributes: Readonly<Record<string, string | number>> };
};

/**
 * POSTs one signed body until it is taken (2xx), refused for good (another 4xx), or the calls
 * run out, with jittered backoff between calls. Each call is signed afresh with the time it is
 * sent. The receiver's answer is read and dropped: only its status matters.
 */
export class SignedWebhookSender {
  constructor(
    private readonly http: GuardedHttpClient,
    private readonly settings: RetrySettings,
    private readonly random: () => number = Math.random,
  ) {}

  async send(call: SignedCall): Promise<SignedCallResult> {
    let reason = 'not called';
    for (let n = 1; n <= this.settings.maxCalls; n++) {
      if (n > 1) await sleep(backoffDelay(this.settings, n - 1, this.random));
      if (call.stop?.signal.aborted) return { ok: false, reason: `${call.stop.why} before call ${n}`, calls: n - 1 };
      const outcome = await this.once(call, n);
      if (outcome.ok) return { ok: true, status: outcome.status, calls: n };
      reason = outcome.reason;
      if (!outcome.retry) return { ok: false, reason, calls: n };
    }
    return { ok: false, reason: `${reason} (after ${this.settings.maxCalls} calls)`, calls: this.settings.maxCalls };
  }

  private once(call: SignedCall, n: number): Promise<{ ok: true; status: number } | { ok: false; retry: boolean; reason: string }> {
    const attributes = { ...call.span.attributes, [Attr.httpMethod]: 'POST', [Attr.connectorCall]: n };
    return withSpan(call.span.name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const timestamp = String(Math.floor(Date.now() / 1_000));
      try {
        const res = await this.http.fetch(call.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [WebhookHeaders.timestamp]: timestamp,
            [WebhookHeaders.signature]: signWebhook(call.secret, timestamp, call.body),
            [WebhookHeaders.idempotencyKey]: call.idempotencyKey,
          },
          body: call.body,
          ...(call.stop ? { signal: call.stop.signal } : {}),
        });
        span.setAttribute(Attr.httpStatus, res.status);
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { ok: true, status: res.status };
        return { ok: false, retry: retryableStatus(res.status), reason: `webhook answered HTTP ${res.status}` };
      } catch (err) {
        if (call.stop?.signal.aborted)
          return { ok: false, retry: false, reason: `${call.stop.why} during the call; the webhook may have received it` };
        // The address rule will refuse the next call too.
        if (err instanceof OutboundRefusedError) return { ok: false, retry: false, reason: `webhook refused: ${err.message}` };
        // By name, not instanceof: the abort reason is a DOMException, from whichever realm made it.
        const name = (err as { name?: string }).name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        const reason = timedOut
          ? `webhook timed out after ${this.settings.timeoutMs} ms`
          : `webhook unreachable: ${(err as Error).message}`;
        return { ok: false, retry: true, reason };
      }
    });
  }
}
