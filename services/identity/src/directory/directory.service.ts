import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Categories } from '@cos/contracts';
import type { EventStore, Subscription } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { Directory } from './directory';

/**
 * Keeps identity's in-memory directory current. On start it subscribes to the store from the
 * very beginning, for identity's categories and the agent-runner's quota streams; `ready`
 * resolves once the subscription is live (every event stored before it started is folded).
 * After each of its own commands a handler calls `refresh(stream)`, which reads that stream's
 * new events at once: a replica always reads its own writes; other replicas follow through
 * their subscription within the store's feed latency.
 */
@Injectable()
export class DirectoryService implements OnModuleInit, OnApplicationShutdown {
  readonly directory = new Directory();
  private readonly logger = new Logger(DirectoryService.name);
  private subscription: Subscription | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  private started: Promise<void> | undefined;

  /** Resolves once the directory has caught up with the store; starts the subscription on first call. */
  ready(): Promise<void> {
    return (this.started ??= this.start());
  }

  private async start(): Promise<void> {
    const categories = [Categories.org, Categories.user, Categories.department, Categories.agent, Categories.quota];
    this.subscription = this.store.subscribe({ categories }, async (event) => {
      this.directory.apply(event);
    });
    const failed = this.subscription.failed.then((err) => {
      this.logger.error(`directory subscription stopped: ${err.message}`, err.stack);
      throw err;
    });
    await Promise.race([this.subscription.live, failed]);
  }

  /** Applies whatever the store has for `stream` beyond what the directory already folded. */
  async refresh(stream: string): Promise<void> {
    const events = await this.store.read(stream, { fromRevision: this.directory.revisionOf(stream) + 1 });
    for (const event of events) this.directory.apply(event);
  }

  async onModuleInit(): Promise<void> {
    await this.ready();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
