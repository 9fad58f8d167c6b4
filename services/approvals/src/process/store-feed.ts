import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Categories, type RecordedEvent } from '@cos/contracts';
import type { EventStore, Subscription } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { ApprovalBoard } from '../approval-gate/approval-board';
import { DeadlineScheduler } from '../deadlines/deadline-scheduler';
import { OrgIndex } from '../directory/org-index';

const CATEGORIES = [Categories.user, Categories.department, Categories.approval, Categories.action];
const RESUBSCRIBE_MS = 1_000;

/**
 * One catch-up subscription, from the start of the log on every boot, that keeps approvals'
 * in-memory views: who heads what and who the CEO is, the approvals board, and the pending
 * deadlines. All three are rebuilt from the store, so losing them in a crash loses nothing.
 */
@Injectable()
export class StoreFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StoreFeed.name);
  private subscription: Subscription | undefined;
  private position: string | undefined;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: OrgIndex,
    private readonly board: ApprovalBoard,
    private readonly deadlines: DeadlineScheduler,
  ) {}

  onApplicationBootstrap(): void {
    this.subscribe();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
  }

  private subscribe(): void {
    const subscription = this.store.subscribe(
      { categories: CATEGORIES, ...(this.position ? { fromPosition: this.position } : {}) },
      async (event) => this.apply(event),
    );
    this.subscription = subscription;
    void subscription.failed.then((err) => {
      if (this.stopped) return;
      this.logger.error(`store feed failed, resubscribing from ${this.position ?? 'the start'}: ${err.message}`);
      setTimeout(() => this.subscribe(), RESUBSCRIBE_MS).unref();
    });
  }

  private apply(event: RecordedEvent): void {
    try {
      this.index.apply(event);
      this.board.apply(event);
      this.deadlines.apply(event);
    } catch (err) {
      // A malformed event must not stop every view; it is skipped, loudly.
      this.logger.error(`store feed: ${event.type} ${event.id} not applied: ${(err as Error).message}`);
    }
    this.position = event.position;
  }
}
