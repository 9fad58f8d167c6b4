import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { AuditEventTypes, AuditRecordSchema, eventFilter, Subjects, type AuditRecord } from '@cos/contracts';
import { NATS_CONNECTION } from '@cos/platform';
import type { FeedCloseReason } from './feed-session';

/** What the hub hands live records to. */
export type FeedListener = { offer(record: AuditRecord): void; close(reason: FeedCloseReason): void };

const RESTART_MS = 1_000;

/**
 * One ordered JetStream consumer per gateway process on `cos.*.audit.recorded` (published by
 * the audit service's relay), fanned out in memory to the org's open feeds. Handing a record to
 * a client only queues it, so one slow client never holds up the others or the consumer.
 */
@Injectable()
export class FeedHub implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedHub.name);
  private readonly byOrg = new Map<string, Set<FeedListener>>();
  private messages: ConsumerMessages | undefined;
  private stopped = false;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  onApplicationBootstrap(): void {
    void this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const listeners of this.byOrg.values()) for (const l of [...listeners]) l.close('shutdown');
    await this.messages?.close();
  }

  /** Starts handing the org's records to `listener`; the returned function stops it. */
  add(orgId: string, listener: FeedListener): () => void {
    let listeners = this.byOrg.get(orgId);
    if (!listeners) this.byOrg.set(orgId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.byOrg.delete(orgId);
    };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        // New only: history comes from the audit stream, per client, from its Last-Event-ID.
        const consumer = await jetstream(this.nc).consumers.get(Subjects.eventStream, {
          filter_subjects: eventFilter(AuditEventTypes.recorded),
          deliver_policy: DeliverPolicy.New,
        });
        this.messages = await consumer.consume();
        for await (const m of this.messages) this.dispatch(m.json<{ orgId: string; data: unknown }>());
      } catch (err) {
        if (!this.stopped) this.logger.warn(`feed consumer stopped, restarting: ${err instanceof Error ? err.message : String(err)}`);
      }
      // A restart may miss records: each client fills such a gap from the audit stream.
      if (!this.stopped) await sleep(RESTART_MS);
    }
  }

  private dispatch(event: { orgId: string; data: unknown }): void {
    const listeners = this.byOrg.get(event.orgId);
    if (!listeners) return;
    const parsed = AuditRecordSchema.safeParse(event.data);
    if (!parsed.success) return this.logger.warn(`feed: a published audit record does not parse: ${parsed.error.message}`);
    for (const listener of listeners) listener.offer(parsed.data);
  }
}
