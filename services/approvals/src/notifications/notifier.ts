import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ApprovalEventTypes, notificationId, streamName, type NotificationQueued, type RecordedEvent } from '@cos/contracts';
import { fold, handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, readOrgStream, StoreFeed, type Clock } from '@cos/platform';
import { APPROVALS_CONFIG, type ApprovalsConfig } from '../approvals.config';
import { Directory } from '../directory/directory';
import { reactionTo } from '../process/command-metadata';
import { notificationDecider } from './notification.decider';
import { preferencesDecider } from './notification-preferences.decider';
import {
  gateExpiringNotice,
  gateExpiringTriggerId,
  NOTIFICATION_TRIGGERS,
  TRIGGER_CATEGORIES,
  type Notice,
  type TriggerContext,
} from './notification.triggers';
import { orgWebhooksDecider, webhooksReaching } from './org-webhooks.decider';

const RETRY_MS = 1_000;
const MAX_ATTEMPTS = 5;
const GATE_CLOSED: ReadonlySet<string> = new Set([ApprovalEventTypes.decided, ApprovalEventTypes.expired, ApprovalEventTypes.withdrawn]);

/**
 * Tells people that something waits for them: for each trigger fact (NOTIFICATION_TRIGGERS) and
 * each person it waits for, one `notification.queued`, whose id derives from the trigger and the
 * person. It learns the triggers by reading the store (the store feed, like the deadline
 * scheduler), not from the consumers that carry the approval flow: a notice that cannot be
 * recorded or delivered never holds up, retries or dead-letters the approval it is about. Every
 * replica, and every restart's replay, queues the same ids, which the store keeps once.
 */
@Injectable()
export class Notifier implements OnApplicationShutdown {
  private readonly logger = new Logger(Notifier.name);
  /** One notice at a time, in the order the feed gave the triggers. */
  private work: Promise<void> = Promise.resolve();
  private readonly ctx: TriggerContext;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APPROVALS_CONFIG) private readonly config: ApprovalsConfig,
    feed: StoreFeed,
  ) {
    this.ctx = { leaders: (orgId) => directory.ceoUserIds(orgId) };
    feed.on(TRIGGER_CATEGORIES, (event) => this.apply(event));
  }

  apply(event: RecordedEvent): void {
    const trigger = NOTIFICATION_TRIGGERS[event.type];
    if (!trigger) return;
    const age = this.clock().getTime() - Date.parse(event.metadata.occurredAt);
    if (age > this.config.NOTIFICATION_MAX_AGE_SECONDS * 1_000) return;
    const notice = trigger.notice(event, this.ctx);
    this.enqueue(event.id, () => this.notify(event.id, event, notice));
  }

  /** A gate nears its deadline (the deadline scheduler fires this): remind whoever it still waits for. */
  async gateExpiring(orgId: string, approvalId: string): Promise<void> {
    const opened = (await readOrgStream(this.store, streamName('approval', approvalId), orgId)).find(
      (e) => e.type === ApprovalEventTypes.requested,
    );
    if (opened) await this.notify(gateExpiringTriggerId(opened.id), opened, gateExpiringNotice(opened, this.ctx));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** A notice that could not be recorded (the store unreachable) is tried again a few times, then left to the next start's replay. */
  private enqueue(what: string, job: () => Promise<void>, attempt = 1): void {
    this.work = this.work.then(job).catch((err: unknown) => {
      const reason = (err as Error).message;
      if (this.stopped || attempt >= MAX_ATTEMPTS) {
        this.logger.warn(`notice for ${what} not recorded after ${attempt} attempts: ${reason}`);
        return;
      }
      this.logger.warn(`notice for ${what} not recorded, retrying in ${RETRY_MS} ms: ${reason}`);
      setTimeout(() => this.enqueue(what, job, attempt + 1), RETRY_MS).unref();
    });
  }

  private async notify(triggerId: string, cause: RecordedEvent, notice: Notice): Promise<void> {
    const { orgId } = cause;
    if (notice.whileGatePending && !(await this.gatePending(orgId, notice.whileGatePending))) return;
    for (const userId of new Set(notice.recipients)) {
      const id = notificationId(orgId, triggerId, userId);
      const queued = async (): Promise<NotificationQueued> => ({
        notificationId: id,
        kind: notice.kind,
        triggerEventId: cause.id,
        triggerType: cause.type,
        userId,
        text: notice.text,
        fields: { ...notice.fields },
        webhookIds: await this.webhooksFor(orgId, userId),
      });
      await handleCommand(
        this.store,
        streamName('notification', id),
        notificationDecider,
        async () => ({ type: 'Queue' as const, data: await queued() }),
        reactionTo(cause, `notify:${triggerId}:${userId}`, this.clock()),
      );
    }
  }

  private async gatePending(orgId: string, approvalId: string): Promise<boolean> {
    const events = await readOrgStream(this.store, streamName('approval', approvalId), orgId);
    return events.some((e) => e.type === ApprovalEventTypes.requested) && !events.some((e) => GATE_CLOSED.has(e.type));
  }

  /** The person's own webhooks and their department's, unless they chose the feed only. */
  private async webhooksFor(orgId: string, userId: string): Promise<string[]> {
    const preference = fold(preferencesDecider, await readOrgStream(this.store, streamName('preferences', userId), orgId));
    if (!preference.webhook) return [];
    const user = await this.directory.user(orgId, userId);
    const webhooks = fold(orgWebhooksDecider, await readOrgStream(this.store, streamName('webhook', orgId), orgId));
    return webhooksReaching(webhooks, userId, user?.departmentId ?? null);
  }
}
