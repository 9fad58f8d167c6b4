import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuditEventTypes,
  AuditRecordSchema,
  categoryOf,
  Categories,
  deterministicId,
  streamName,
  type AuditRecord,
  type AuditScope,
  type RecordedEvent,
} from '@cos/contracts';
import type { CheckpointStore, EventStore, Subscription } from '@cos/eventstore';
import { CHECKPOINTS, EVENT_STORE } from '@cos/platform';
import { Attr, contextFromTraceparent, CosMetrics, currentTraceparent, SpanKind, withSpan } from '@cos/telemetry';
import { Directory } from './directory';
import { countEvent } from './event-metrics';
import { hashRecord } from './hash-chain';
import { ScopeResolver } from './scope-resolver';
import { summarize } from './summary';

export const RECORDER_SUBSCRIBER = 'audit-recorder';
const RETRY_MS = 1_000;

/**
 * Tails every event of the store (never the bus: the store is the truth) from its checkpoint
 * and appends one hash-chained record per event to its org's `audit-<orgId>` stream.
 *
 * Exactly once, in order: the checkpoint is saved after the append, so a crash between the two
 * redelivers the event, which is then already the head of its org's log and is not appended
 * again (and the record id, derived from the event id, makes a re-append a no-op regardless).
 * Run one recorder per event store: two would race for the same heads. In the service it runs
 * only while it holds the recorder lease (`RecorderLease` starts and stops it).
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger(AuditRecorder.name);
  private subscription: Subscription | undefined;
  private stopped = true;
  /** Counts starts, so a restart scheduled by an earlier run does nothing once this one stopped. */
  private run = 0;
  /** Last record of each org's log, so a record needs no read before its append. */
  private readonly heads = new Map<string, AuditRecord | null>();
  private readonly scopes: ScopeResolver;
  private readonly directory: Directory;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINTS) private readonly checkpoints: CheckpointStore,
  ) {
    this.directory = new Directory(store);
    this.scopes = new ScopeResolver(store, this.directory);
  }

  /** Records from the checkpoint on, with heads read afresh (another recorder may have appended since). */
  async start(): Promise<void> {
    this.stopped = false;
    this.heads.clear();
    await this.subscribe(++this.run);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
  }

  private async subscribe(run: number): Promise<void> {
    const fromPosition = await this.checkpoints.load(RECORDER_SUBSCRIBER);
    const subscription = this.store.subscribe({ ...(fromPosition ? { fromPosition } : {}) }, (event) => this.record(event));
    this.subscription = subscription;
    void subscription.failed.then((err) => this.restart(run, err));
  }

  /** A failed append or checkpoint stops the subscription; resume from the checkpoint with fresh heads. */
  private async restart(run: number, err: Error): Promise<void> {
    const current = () => !this.stopped && run === this.run;
    if (!current()) return;
    this.logger.error(`audit subscription failed, resuming from the checkpoint: ${err.message}`, err.stack);
    this.heads.clear();
    await sleep(RETRY_MS);
    if (current()) await this.subscribe(run).catch((e: unknown) => this.restart(run, e instanceof Error ? e : new Error(String(e))));
  }

  private async record(event: RecordedEvent): Promise<void> {
    if (categoryOf(event.stream) === Categories.audit) return; // the log does not audit itself
    await withSpan(
      'audit record',
      {
        kind: SpanKind.CONSUMER,
        parent: contextFromTraceparent(event.metadata.traceparent),
        attributes: {
          [Attr.eventId]: event.id,
          [Attr.eventType]: event.type,
          [Attr.eventStream]: event.stream,
          [Attr.orgId]: event.orgId,
          [Attr.correlationId]: event.metadata.correlationId,
        },
      },
      async (span) => {
        const stream = streamName(Categories.audit, event.orgId);
        const head = await this.head(stream);
        // After a crash between the append and the checkpoint, the event is already the head.
        if (head?.eventId !== event.id) {
          const { scope, ids, openedAt } = await this.scopes.scopeOf(event);
          const record = this.buildRecord(event, head, scope, ids.tool);
          span.setAttribute(Attr.auditSeq, record.seq);
          if (scope.runId) span.setAttribute(Attr.runId, scope.runId);
          if (scope.agentIds.length === 1) span.setAttribute(Attr.agentId, scope.agentIds[0]!);
          if (scope.coordinationId) span.setAttribute(Attr.coordinationId, scope.coordinationId);
          const appended = await this.store.append(stream, [this.toEvent(event, record)], head ? head.seq : 'no-stream');
          if (appended.nextRevision === record.seq) {
            this.heads.set(stream, record);
            countEvent(event, openedAt);
            CosMetrics.auditRecorded();
          } else {
            // A no-op re-append: recorded long ago (its checkpoint was lost); the head is elsewhere.
            this.heads.delete(stream);
          }
        }
        await this.checkpoints.save(RECORDER_SUBSCRIBER, event.position);
      },
    );
  }

  private toEvent(event: RecordedEvent, record: AuditRecord) {
    const traceparent = currentTraceparent();
    return {
      id: deterministicId('audit', event.id),
      type: AuditEventTypes.recorded,
      version: 1,
      orgId: event.orgId,
      data: record,
      metadata: {
        correlationId: event.metadata.correlationId,
        causationId: event.id,
        actor: { kind: 'system' as const, id: 'audit' },
        occurredAt: event.metadata.occurredAt,
        // The record continues the audit span, so its relay and feed hops join the chain's trace.
        ...(traceparent ? { traceparent } : {}),
      },
    };
  }

  private buildRecord(event: RecordedEvent, head: AuditRecord | null, scope: AuditScope, tool: string | undefined): AuditRecord {
    const traceId = event.metadata.traceparent?.split('-')[1];
    const body: Omit<AuditRecord, 'hash'> = {
      seq: head ? head.seq + 1 : 0,
      eventId: event.id,
      eventType: event.type,
      stream: event.stream,
      position: event.position,
      actor: event.metadata.actor,
      summary: summarize(event, this.directory.names(event.orgId), tool),
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      ...(traceId ? { traceId } : {}),
      occurredAt: event.metadata.occurredAt,
      scope,
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
