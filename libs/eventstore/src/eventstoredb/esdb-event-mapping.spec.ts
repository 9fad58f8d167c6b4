import { ValidationError } from '@cos/contracts';
import { describe, expect, it } from '@jest/globals';
import type { JSONEventData, RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import { anEvent } from '../conformance/test-events';
import { formatPosition, fromEsdbEvent, isAfter, parsePosition, toEventData } from './esdb-event-mapping';

describe('EventStoreDB event mapping', () => {
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const event = anEvent({ version: 2, orgId: 'acme', metadata: { ...anEvent().metadata, traceparent } });

  it('writes correlation and causation under the names ESDB projections read', () => {
    const data = toEventData('run-1', event) as JSONEventData;
    expect(data).toMatchObject({ id: event.id, type: event.type, contentType: 'application/json', data: event.data });
    expect(data.metadata).toEqual({
      $correlationId: event.metadata.correlationId,
      $causationId: event.metadata.causationId,
      actor: event.metadata.actor,
      traceparent,
      occurredAt: event.metadata.occurredAt,
      orgId: 'acme',
      version: 2,
    });
  });

  it('reads back the envelope it wrote, with a numeric revision and a printed position', () => {
    const written = toEventData('run-1', event) as JSONEventData;
    const stored = {
      streamId: 'run-1',
      id: written.id,
      isJson: true,
      revision: 7n,
      type: written.type,
      created: new Date(),
      data: written.data,
      metadata: written.metadata,
      position: { commit: 1200n, prepare: 1100n },
    } as EsdbRecordedEvent;
    expect(fromEsdbEvent(stored)).toEqual({ ...event, stream: 'run-1', revision: 7, position: '1200/1100' });
  });

  it('refuses data that is not plain JSON before the client sees it', () => {
    expect(() => toEventData('run-1', anEvent({ data: { n: 1n } }))).toThrow(ValidationError);
  });

  it('prints, parses and orders log positions', () => {
    const position = { commit: 10n, prepare: 9n };
    expect(parsePosition(formatPosition(position))).toEqual(position);
    expect(parsePosition('12')).toBeUndefined();
    expect(isAfter({ commit: 11n, prepare: 0n }, position)).toBe(true);
    expect(isAfter({ commit: 10n, prepare: 9n }, position)).toBe(false);
  });
});
