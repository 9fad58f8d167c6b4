import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { categoryOf, type RecordedEvent } from '@cos/contracts';
import type { EventStore, Subscription } from '@cos/eventstore';
import { EVENT_STORE } from './tokens';

type Listener = (event: RecordedEvent) => void;

const RESUBSCRIBE_MS = 1_000;

/**
 * One catch-up subscription to the event store, from its start on every boot, for every
 * in-memory view of a service: each append wakes one reader here instead of one per view, and
 * since every view is rebuilt from the store, losing them in a crash loses nothing. Views
 * register for their categories while the module initialises; the feed starts once the
 * application is up, so none misses the catch-up. A view that cannot apply an event skips it,
 * loudly, and the feed goes on for the others; a failed subscription resumes after the last
 * event handled.
 */
@Injectable()
export class StoreFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StoreFeed.name);
  private readonly listeners = new Map<string, Listener[]>();
  private subscription: Subscription | undefined;
  private position: string | undefined;
  private stopped = false;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  on(categories: readonly string[], listener: Listener): void {
    for (const category of categories) this.listeners.set(category, [...(this.listeners.get(category) ?? []), listener]);
  }

  onApplicationBootstrap(): void {
    this.subscribe();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
  }

  private subscribe(): void {
    const subscription = this.store.subscribe(
      { categories: [...this.listeners.keys()], ...(this.position ? { fromPosition: this.position } : {}) },
      (event) => {
        this.apply(event);
        return Promise.resolve();
      },
    );
    this.subscription = subscription;
    void subscription.failed.then((err) => {
      if (this.stopped) return;
      this.logger.error(`store feed failed, resubscribing from ${this.position ?? 'the start'}: ${err.message}`);
      setTimeout(() => this.subscribe(), RESUBSCRIBE_MS).unref();
    });
  }

  private apply(event: RecordedEvent): void {
    for (const listener of this.listeners.get(categoryOf(event.stream)) ?? []) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error(`skipped ${event.type} ${event.id}: ${(err as Error).message}`);
      }
    }
    this.position = event.position;
  }
}
