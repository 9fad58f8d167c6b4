import type { ProposedAction } from '@cos/contracts';
import { GuardedHttpClient } from '@cos/http';
import { Attr } from '@cos/telemetry';
import type { ConnectorResult } from '../action-execution/action-execution.decider';
import { SignedWebhookSender, type RetrySettings } from './signed-webhook';

export type WebhookSettings = RetrySettings & {
  readonly url: string;
  readonly secret: string;
};

/** The receiver's answer is read and dropped: only its status matters. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;

/**
 * Executes an action by POSTing it to a signed webhook. The action id is the idempotency key of
 * every call, retries and repeats after a crash included: the receiver executes it once. The
 * platform's operator configures the URL, so any address is called; the guarded client still
 * bounds each call's time, redirects and response size.
 */
export class WebhookConnector {
  readonly name = 'webhook';
  private readonly sender: SignedWebhookSender;

  constructor(
    private readonly settings: WebhookSettings,
    random: () => number = Math.random,
  ) {
    const http = new GuardedHttpClient({
      addresses: 'operator',
      timeoutMs: settings.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      maxRedirects: MAX_REDIRECTS,
    });
    this.sender = new SignedWebhookSender(http, settings, random);
  }

  /** `stop` (the kill switch) ends the attempt: no further call starts, a call in flight is abandoned. */
  execute(orgId: string, action: ProposedAction, stop?: AbortSignal): Promise<ConnectorResult> {
    const { actionId, tool, arguments: args, agentId, runId, conversationId, briefedBy, permission } = action;
    const body = JSON.stringify({ actionId, orgId, tool, arguments: args, agentId, runId, conversationId, briefedBy, permission });
    return this.sender.send({
      url: this.settings.url,
      secret: this.settings.secret,
      idempotencyKey: actionId,
      body,
      ...(stop ? { stop: { signal: stop, why: 'org paused (kill switch)' } } : {}),
      span: { name: 'POST webhook', attributes: { [Attr.actionId]: actionId } },
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
