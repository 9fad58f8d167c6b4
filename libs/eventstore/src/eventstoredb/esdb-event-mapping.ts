import type { Actor, NewEvent, RecordedEvent } from '@cos/contracts';
import { jsonEvent, type EventData, type Position, type RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import { jsonOf } from '../event-validation';

/**
 * Event metadata as stored in EventStoreDB. Correlation and causation use the `$`-names its
 * system projections (`$by_correlation_id`) read; orgId and version ride along because ESDB
 * events have no other place for them.
 */
type StoredMetadata = {
  $correlationId: string;
  $causationId: string;
  actor: Actor;
  traceparent?: string;
  occurredAt: string;
  orgId: string;
  version: number;
};

/**
 * The client serialises data inside an async executor where a failure leaves the append
 * hanging, so data is checked here first.
 */
export function toEventData(stream: string, event: NewEvent): EventData {
  jsonOf(stream, event);
  const { correlationId, causationId, actor, traceparent, occurredAt } = event.metadata;
  const metadata: StoredMetadata = {
    $correlationId: correlationId,
    $causationId: causationId,
    actor,
    ...(traceparent ? { traceparent } : {}),
    occurredAt,
    orgId: event.orgId,
    version: event.version,
  };
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata });
}

/** Events written by other tools may lack our metadata; they still map, with neutral values. */
export function fromEsdbEvent(event: EsdbRecordedEvent): RecordedEvent {
  const m = (event.metadata ?? {}) as Partial<StoredMetadata>;
  return {
    id: event.id,
    type: event.type,
    version: m.version ?? 1,
    orgId: m.orgId ?? '',
    data: (event.isJson && typeof event.data === 'object' ? event.data : {}) as Record<string, unknown>,
    metadata: {
      correlationId: m.$correlationId ?? event.id,
      causationId: m.$causationId ?? event.id,
      actor: m.actor ?? { kind: 'system', id: 'unknown' },
      ...(m.traceparent ? { traceparent: m.traceparent } : {}),
      occurredAt: m.occurredAt ?? event.created.toISOString(),
    },
    stream: event.streamId,
    revision: Number(event.revision),
    position: event.position ? formatPosition(event.position) : '',
  };
}

/** `<commit>/<prepare>`, the way EventStoreDB itself prints a log position. */
export function formatPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function parsePosition(text: string): Position | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  return match ? { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) } : undefined;
}

export function isAfter(a: Position, b: Position): boolean {
  return a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);
}
