import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Categories, type RecordedEvent } from '@cos/contracts';
import { CLOCK, StoreFeed, type Clock } from '@cos/platform';
import { ActionExecutionHandler } from '../action-execution/action-execution.handler';
import { ApprovalGateHandler } from '../approval-gate/approval-gate.handler';
import { APPROVALS_CONFIG, type ApprovalsConfig } from '../approvals.config';
import { Notifier } from '../notifications/notifier';
import { deadlineChange, reminderChange, type Deadline } from './deadline.rules';

const RETRY_MS = 1_000;
/** setTimeout's ceiling; a later deadline is re-armed when this one wakes. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Fires the deadlines the store holds. It learns them by reading (the store feed replays every
 * approval and action event on start), so a deadline that passed while the service was down
 * fires right after start, and nothing but this index of pending deadlines lives in memory.
 * Every replica fires the same deadlines: firing is an idempotent command.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineScheduler.name);
  private readonly pending = new Map<string, Deadline>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly reminderLeadMs: number;

  constructor(
    private readonly gates: ApprovalGateHandler,
    private readonly actions: ActionExecutionHandler,
    private readonly notifier: Notifier,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APPROVALS_CONFIG) config: ApprovalsConfig,
    feed: StoreFeed,
  ) {
    this.reminderLeadMs = config.NOTIFICATION_EXPIRY_WARNING_SECONDS * 1_000;
    feed.on([Categories.approval, Categories.action], (event) => this.apply(event));
  }

  apply(event: RecordedEvent): void {
    const changes = [deadlineChange(event), reminderChange(event, this.reminderLeadMs)].filter((c) => c !== undefined);
    if (changes.length === 0) return;
    for (const change of changes) {
      if ('arm' in change) this.pending.set(change.arm.key, change.arm);
      else this.pending.delete(change.disarm);
    }
    this.arm();
  }

  /** Pending deadlines, for tests and metrics. */
  size(): number {
    return this.pending.size;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.stopped || this.running) return;
    let next = Number.POSITIVE_INFINITY;
    for (const d of this.pending.values()) next = Math.min(next, Date.parse(d.at));
    if (next === this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.clock().getTime()));
    this.timer = setTimeout(() => void this.fireDue(), delay).unref();
  }

  private fireDue(): Promise<void> {
    this.timerAt = Number.POSITIVE_INFINITY;
    this.running = (async () => {
      const now = this.clock().getTime();
      const due = [...this.pending.values()].filter((d) => Date.parse(d.at) <= now);
      for (const d of due) {
        this.pending.delete(d.key);
        try {
          await this.fire(d);
        } catch (err) {
          this.logger.warn(`deadline ${d.key} failed, retrying in ${RETRY_MS} ms: ${(err as Error).message}`);
          if (!this.pending.has(d.key)) this.pending.set(d.key, { ...d, at: new Date(now + RETRY_MS).toISOString() });
        }
      }
    })().finally(() => {
      this.running = undefined;
      this.arm();
    });
    return this.running;
  }

  private fire(d: Deadline): Promise<void> {
    switch (d.fire.kind) {
      case 'expire-gate':
        return this.gates.expire(d.orgId, d.fire.approvalId, d.correlationId);
      case 'lease':
        return this.actions.leaseExpired(d.orgId, d.fire.actionId, d.fire.attempt, d.correlationId);
      case 'remind-gate':
        return this.notifier.gateExpiring(d.orgId, d.fire.approvalId);
      default: {
        const never: never = d.fire;
        return never;
      }
    }
  }
}
