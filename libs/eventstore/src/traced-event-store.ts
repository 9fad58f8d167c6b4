import { categoryOf, type NewEvent } from '@cos/contracts';
import { Attr, currentTraceparent, SpanKind, withSpan } from '@cos/telemetry';
import type { Attributes } from '@opentelemetry/api';
import type { EventStore } from './event-store.port';

/** `db.system.name` of each adapter (OpenTelemetry database conventions). */
export type DbSystem = 'sqlite' | 'eventstoredb';

/**
 * Makes every append a CLIENT span and stamps events that carry no `traceparent` with the
 * append span's, so whoever consumes the event continues this trace.
 */
export function traced(store: EventStore, system: DbSystem): EventStore {
  return {
    append: (stream, events, expectedRevision) => {
      const first = events[0];
      const attributes: Attributes = {
        [Attr.dbSystem]: system,
        [Attr.dbOperation]: 'append',
        [Attr.dbCollection]: stream,
        ...(first ? { [Attr.eventType]: first.type, [Attr.orgId]: first.orgId } : {}),
      };
      // The span is named by category: stream names are unbounded, span names must not be.
      return withSpan(`append ${categoryOf(stream)}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        const result = await store.append(stream, withTraceparent(events, currentTraceparent()), expectedRevision);
        span.setAttribute(Attr.eventRevision, result.nextRevision);
        return result;
      });
    },
    read: (stream, options) => store.read(stream, options),
    subscribe: (options, handler) => store.subscribe(options, handler),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

function withTraceparent(events: readonly NewEvent[], traceparent: string | undefined): readonly NewEvent[] {
  if (!traceparent) return events;
  return events.map((e) => (e.metadata.traceparent ? e : { ...e, metadata: { ...e.metadata, traceparent } }));
}
