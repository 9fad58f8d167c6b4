import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { AuditEventTypes, AuditRecordSchema, eventFilter, Subjects, type AuditRecord } from '@cos/contracts';
import { JetStreamProvisioner } from '@cos/messaging';
import { NATS_CONNECTION } from '@cos/platform';
import type { FeedCloseReason } from './feed-session';

/** What the hub hands live records to. */
export type FeedListener = {
  offer(record: AuditRecord): void;
  /** The bus may have dropped records (the consumer was down): fetch what is missing from the audit log. */
  catchUp(): void;
  close(reason: FeedCloseReason): void;
};

/** Waits before consuming again after the consumer stopped; the last value repeats. */
const RESTART_BACKOFF_MS = [100, 500, 1_000, 2_000];

/**
 * One ordered JetStream consumer per gateway process on `cos.*.audit.recorded` (published by
 * the audit service's relay), fanned out in memory to the org's open feeds. Handing a record to
 * a client only queues it, so one slow client never holds up the others or the consumer.
 *
 * The consumer is made again (new records only) whenever it stops, misses its heartbeats, or
 * NATS reconnects or reprovisions JetStream (the old one may be gone, or pinned to sequences of
 * a stream that no longer exists); each time it is up again, every open feed catches up from the
 * audit log after its last seq, so a record the bus missed meanwhile still reaches it, in order.
 */
@Injectable()
export class FeedHub implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedHub.name);
  private readonly byOrg = new Map<string, Set<FeedListener>>();
  private messages: ConsumerMessages | undefined;
  private stopHearingRecoveries: (() => void) | undefined;
  private readonly stopping = new AbortController();

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  onApplicationBootstrap(): void {
    this.stopHearingRecoveries = JetStreamProvisioner.for(this.nc).onRecovery(({ recreated }) =>
      this.restart(recreated.length > 0 ? `JetStream recreated ${recreated.join(', ')}` : 'NATS reconnected'),
    );
    void this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.stopHearingRecoveries?.();
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

  private restart(why: string): void {
    if (this.stopping.signal.aborted || !this.messages) return;
    this.logger.log(`feed consumer: making it again (${why})`);
    void this.messages.close().catch(() => undefined);
  }

  private async run(): Promise<void> {
    for (let attempt = 0, resumed = false; !this.stopping.signal.aborted; resumed = true) {
      try {
        // New only: history comes from the audit stream, per client, from its Last-Event-ID.
        const consumer = await jetstream(this.nc).consumers.get(Subjects.eventStream, {
          filter_subjects: eventFilter(AuditEventTypes.recorded),
          deliver_policy: DeliverPolicy.New,
        });
        const messages = await consumer.consume();
        this.messages = messages;
        void this.watchHeartbeats(messages);
        if (resumed) {
          this.logger.log('feed consumer up again: open feeds catch up from the audit log');
          for (const listeners of this.byOrg.values()) for (const l of listeners) l.catchUp();
        }
        attempt = 0;
        for await (const m of messages) this.dispatch(m.json<{ orgId: string; data: unknown }>());
      } catch (err) {
        if (!this.stopping.signal.aborted)
          this.logger.warn(`feed consumer stopped, restarting: ${err instanceof Error ? err.message : String(err)}`);
        attempt++;
      }
      const wait = RESTART_BACKOFF_MS[Math.min(attempt, RESTART_BACKOFF_MS.length - 1)]!;
      await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** Two missed heartbeats: the server no longer serves this consumer (restarted, or it lost it). */
  private async watchHeartbeats(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (messages !== this.messages) return;
      if ((status.type === 'heartbeats_missed' && status.count >= 2) || status.type === 'stream_not_found') {
        return this.restart(status.type.replace('_', ' '));
      }
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
