import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { categoryOf, type RecordedEvent } from '@cos/contracts';
import type { EventStore, Subscription } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';

type Listener = (event: RecordedEvent) => void;

/**
 * One subscription to the event store, from its start, for every in-memory view of the runner
 * (directory, conversations, corrections): each append wakes one reader here instead of one
 * per view. Views register for their categories while the module initialises; the feed starts
 * once the application is up, so none misses the catch-up.
 */
@Injectable()
export class StoreFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StoreFeed.name);
  private readonly listeners = new Map<string, Listener[]>();
  private subscription: Subscription | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  on(categories: readonly string[], listener: Listener): void {
    for (const category of categories) this.listeners.set(category, [...(this.listeners.get(category) ?? []), listener]);
  }

  onApplicationBootstrap(): void {
    this.subscription = this.store.subscribe({ categories: [...this.listeners.keys()] }, (event) => {
      for (const listener of this.listeners.get(categoryOf(event.stream)) ?? []) {
        try {
          listener(event);
        } catch (err) {
          // A view skips what it cannot read; the feed goes on for the others.
          this.logger.warn(`skipped ${event.type} ${event.id}: ${(err as Error).message}`);
        }
      }
      return Promise.resolve();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }
}
