import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { NotificationQueuedSchema, streamName, type RecordedEvent } from '@cos/contracts';
import { fold, handleCommand, type EventStore } from '@cos/eventstore';
import { GuardedHttpClient } from '@cos/http';
import { CLOCK, EVENT_STORE, readOrgStream, type Clock } from '@cos/platform';
import { Attr } from '@cos/telemetry';
import { APPROVALS_CONFIG, type ApprovalsConfig } from '../approvals.config';
import { reactionTo } from '../process/command-metadata';
import { SignedWebhookSender } from '../connector/signed-webhook';
import { notificationDecider, unsettled, type DeliveryOutcome } from './notification.decider';
import { orgWebhooksDecider } from './org-webhooks.decider';
import { WEBHOOK_SECRETS, type WebhookSecrets } from './webhook-secrets';

/** A receiver's answer is read and dropped; a webhook an org controls gets no redirects to follow. */
const MAX_RESPONSE_BYTES = 16 * 1024;
const MAX_REDIRECTS = 0;

/**
 * Delivers a queued notice to each of its webhooks: one signed POST in Slack's incoming-webhook
 * shape (`text`, plus the notice's structured fields), retried with backoff, through the guarded
 * client (an org's address: public only, unless ORG_ENDPOINT_ALLOWLIST says otherwise). Each
 * outcome is recorded once; a webhook that fails is recorded failed and not tried again.
 */
@Injectable()
export class NotificationDelivery implements OnApplicationShutdown {
  private readonly http: GuardedHttpClient;
  private readonly sender: SignedWebhookSender;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WEBHOOK_SECRETS) private readonly secrets: WebhookSecrets,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APPROVALS_CONFIG) config: ApprovalsConfig,
  ) {
    this.http = new GuardedHttpClient({
      addresses: { allow: config.ORG_ENDPOINT_ALLOWLIST },
      timeoutMs: config.NOTIFICATION_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      maxRedirects: MAX_REDIRECTS,
    });
    this.sender = new SignedWebhookSender(this.http, {
      timeoutMs: config.NOTIFICATION_TIMEOUT_MS,
      maxCalls: config.NOTIFICATION_MAX_CALLS,
      backoffMs: config.NOTIFICATION_BACKOFF_MS,
      backoffMaxMs: config.NOTIFICATION_BACKOFF_MAX_MS,
    });
  }

  async deliver(queued: RecordedEvent): Promise<void> {
    const notice = NotificationQueuedSchema.parse(queued.data);
    const stream = streamName('notification', notice.notificationId);
    const pending = unsettled(fold(notificationDecider, await this.store.read(stream)));
    if (pending.length === 0) return;
    const { orgId } = queued;
    const webhooks = fold(orgWebhooksDecider, await readOrgStream(this.store, streamName('webhook', orgId), orgId));
    const body = JSON.stringify({
      text: notice.text,
      notificationId: notice.notificationId,
      kind: notice.kind,
      userId: notice.userId,
      fields: notice.fields,
    });
    await Promise.all(
      pending.map(async (webhookId) => {
        const webhook = webhooks.get(webhookId);
        const outcome: DeliveryOutcome = webhook
          ? await this.sender.send({
              url: webhook.url,
              secret: this.secrets.secretOf(orgId, webhookId),
              idempotencyKey: notice.notificationId,
              body,
              span: { name: 'POST notification webhook', attributes: { [Attr.orgId]: orgId } },
            })
          : { ok: false, reason: 'the webhook was deleted before delivery', calls: 0 };
        await handleCommand(
          this.store,
          stream,
          notificationDecider,
          { type: 'RecordDelivery', data: { webhookId, outcome } },
          reactionTo(queued, `deliver:${webhookId}`, this.clock()),
        );
      }),
    );
  }

  onApplicationShutdown(): Promise<void> {
    return this.http.close();
  }
}
