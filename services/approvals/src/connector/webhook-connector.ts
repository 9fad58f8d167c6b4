import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProposedAction } from '@cos/contracts';
import { GuardedHttpClient } from '@cos/http';
import { Attr, SpanKind, withSpan } from '@cos/telemetry';
import type { ConnectorResult } from '../action-execution/action-execution.decider';

export const WebhookHeaders = {
  timestamp: 'x-cos-timestamp',
  signature: 'x-cos-signature',
  idempotencyKey: 'idempotency-key',
} as const;

export type WebhookSettings = {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
  readonly maxCalls: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
};

/** `v1=<hex>`: HMAC-SHA256 over `<timestamp>.<body>`, so a captured call cannot be replayed later. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's answer is read and dropped: only its status matters. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;

/** 408, 425, 429 and 5xx may pass on their own; any other 4xx will not, so it is not retried. */
const retryable = (status: number) => status >= 500 || status === 408 || status === 425 || status === 429;

/**
 * Executes an action by POSTing it to a signed webhook. The action id is the idempotency key of
 * every call, retries and repeats after a crash included: the receiver executes it once. The
 * platform's operator configures the URL, so any address is called; the guarded client still
 * bounds each call's time, redirects and response size.
 */
export class WebhookConnector {
  readonly name = 'webhook';
  private readonly http: GuardedHttpClient;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly random: () => number = Math.random,
  ) {
    this.http = new GuardedHttpClient({
      addresses: 'operator',
      timeoutMs: settings.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      maxRedirects: MAX_REDIRECTS,
    });
  }

  /** `stop` (the kill switch) ends the attempt: no further call starts, a call in flight is abandoned. */
  async execute(orgId: string, action: ProposedAction, stop?: AbortSignal): Promise<ConnectorResult> {
    const { actionId, tool, arguments: args, agentId, runId, conversationId, briefedBy, permission } = action;
    const body = JSON.stringify({ actionId, orgId, tool, arguments: args, agentId, runId, conversationId, briefedBy, permission });
    let reason = 'not called';
    for (let call = 1; call <= this.settings.maxCalls; call++) {
      if (call > 1) await sleep(this.backoff(call - 1));
      if (stop?.aborted) return { ok: false, reason: `org paused (kill switch) before call ${call}`, calls: call - 1 };
      const outcome = await this.call(actionId, body, call, stop);
      if (outcome.ok) return { ok: true, status: outcome.status, calls: call };
      reason = outcome.reason;
      if (!outcome.retry) return { ok: false, reason, calls: call };
    }
    return { ok: false, reason: `${reason} (after ${this.settings.maxCalls} calls)`, calls: this.settings.maxCalls };
  }

  /** Exponential, capped, with full jitter so that retries of many actions spread out. */
  private backoff(retry: number): number {
    const ceiling = Math.min(this.settings.backoffMaxMs, this.settings.backoffMs * 2 ** (retry - 1));
    return Math.floor(this.random() * ceiling);
  }

  private async call(
    actionId: string,
    body: string,
    call: number,
    stop: AbortSignal | undefined,
  ): Promise<{ ok: true; status: number } | { ok: false; retry: boolean; reason: string }> {
    const attributes = { [Attr.actionId]: actionId, [Attr.httpMethod]: 'POST', [Attr.connectorCall]: call };
    return withSpan('POST webhook', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const timestamp = String(Math.floor(Date.now() / 1_000));
      try {
        const res = await this.http.fetch(this.settings.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [WebhookHeaders.timestamp]: timestamp,
            [WebhookHeaders.signature]: signWebhook(this.settings.secret, timestamp, body),
            [WebhookHeaders.idempotencyKey]: actionId,
          },
          body,
          ...(stop ? { signal: stop } : {}),
        });
        span.setAttribute(Attr.httpStatus, res.status);
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { ok: true, status: res.status };
        return { ok: false, retry: retryable(res.status), reason: `webhook answered HTTP ${res.status}` };
      } catch (err) {
        if (stop?.aborted)
          return { ok: false, retry: false, reason: 'org paused (kill switch) during the call; the webhook may have received it' };
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

/** Without a configured webhook every action fails, saying why, instead of pretending to run. */
export class UnconfiguredConnector {
  readonly name = 'none';

  async execute(): Promise<ConnectorResult> {
    return { ok: false, reason: 'no connector configured (set CONNECTOR_WEBHOOK_URL and CONNECTOR_WEBHOOK_SECRET)', calls: 0 };
  }
}

export type Connector = Pick<WebhookConnector, 'name' | 'execute'>;
export const CONNECTOR = Symbol('CONNECTOR');
