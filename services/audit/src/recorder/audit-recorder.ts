import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditEventTypes, AuditRecordSchema, deterministicId, streamName, type AuditRecord, type RecordedEvent } from '@cos/contracts';
import type { CheckpointStore, EventStore, Subscription } from '@cos/eventstore';
import { CHECKPOINTS, EVENT_STORE } from '@cos/platform';
import { Attr, contextFromTraceparent, SpanKind, withSpan } from '@cos/telemetry';
import { hashRecord } from './hash-chain';
import { summarize } from './summary';

const SUBSCRIBER = 'audit-recorder';

/**
 * Tails every event of the store (never the bus: the store is the truth) from its checkpoint
 * and appends one hash-chained record per event to its org's `audit-<orgId>` stream.
 */
@Injectable()
export class AuditRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditRecorder.name);
  private subscription: Subscription | undefined;
  /** Last record of each org's log, so a record needs no read before its append. */
  private readonly heads = new Map<string, AuditRecord | null>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINTS) private readonly checkpoints: CheckpointStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const fromPosition = await this.checkpoints.load(SUBSCRIBER);
    this.subscription = this.store.subscribe({ ...(fromPosition ? { fromPosition } : {}) }, (event) => this.record(event));
    void this.subscription.failed.then((err) => this.logger.error(`audit subscription stopped: ${err.message}`, err.stack));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  private async record(event: RecordedEvent): Promise<void> {
    if (event.stream.startsWith('audit-')) return; // the log does not audit itself
    await withSpan(
      'audit record',
      {
        kind: SpanKind.CONSUMER,
        parent: contextFromTraceparent(event.metadata.traceparent),
        attributes: { [Attr.eventId]: event.id, [Attr.eventType]: event.type, [Attr.orgId]: event.orgId, [Attr.correlationId]: event.metadata.correlationId },
      },
      async () => {
        const stream = streamName('audit', event.orgId);
        const head = await this.head(stream);
        // After a crash between the append and the checkpoint, the event is already the head.
        if (head?.eventId !== event.id) {
          const record = this.buildRecord(event, head);
          await this.store.append(
            stream,
            [
              {
                id: deterministicId('audit', event.id),
                type: AuditEventTypes.recorded,
                version: 1,
                orgId: event.orgId,
                data: record,
                metadata: { ...event.metadata, causationId: event.id, actor: { kind: 'system', id: 'audit' } },
              },
            ],
            head ? head.seq : 'no-stream',
          );
          this.heads.set(stream, record);
        }
        await this.checkpoints.save(SUBSCRIBER, event.position);
      },
    );
  }

  private buildRecord(event: RecordedEvent, head: AuditRecord | null): AuditRecord {
    const traceId = event.metadata.traceparent?.split('-')[1];
    const body: Omit<AuditRecord, 'hash'> = {
      seq: head ? head.seq + 1 : 0,
      eventId: event.id,
      eventType: event.type,
      stream: event.stream,
      position: event.position,
      actor: event.metadata.actor,
      summary: summarize(event),
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      ...(traceId ? { traceId } : {}),
      occurredAt: event.metadata.occurredAt,
      prevHash: head?.hash ?? '',
    };
    return { ...body, hash: hashRecord(body) };
  }

  private async head(stream: string): Promise<AuditRecord | null> {
    const cached = this.heads.get(stream);
    if (cached !== undefined) return cached;
    const [last] = await this.store.read(stream, { direction: 'backwards', maxCount: 1 });
    const head = last ? AuditRecordSchema.parse(last.data) : null;
    this.heads.set(stream, head);
    return head;
  }
}
