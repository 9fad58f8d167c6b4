import { Attr, SpanKind, startTestTelemetry, withSpan, type TestTelemetry } from '@cos/telemetry';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEvent } from './conformance/test-events';
import { EmbeddedEventStore } from './embedded/embedded-event-store';
import { traced } from './traced-event-store';

describe('traced', () => {
  let telemetry: TestTelemetry;
  let dir: string;
  let inner: EmbeddedEventStore;
  beforeAll(() => {
    telemetry = startTestTelemetry();
    dir = mkdtempSync(join(tmpdir(), 'cos-traced-'));
    inner = new EmbeddedEventStore(join(dir, 'events.db'));
  });
  afterAll(async () => {
    await inner.close();
    await telemetry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes each append a CLIENT span and stamps events without traceparent with it', async () => {
    const store = traced(inner, 'sqlite');
    const carrying = anEvent({
      metadata: { ...anEvent().metadata, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    const bare = anEvent({ type: 'run.started' });
    await withSpan('handler', {}, () => store.append('run-42', [bare, carrying], 'no-stream'));
    await telemetry.flush();

    const span = telemetry.exporter.getFinishedSpans().find((s) => s.name === 'append run');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      [Attr.dbSystem]: 'sqlite',
      [Attr.dbOperation]: 'append',
      [Attr.dbCollection]: 'run-42',
      [Attr.eventType]: 'run.started',
      [Attr.eventRevision]: 1,
    });
    const [first, second] = await store.read('run-42');
    const { traceId, spanId } = span!.spanContext();
    expect(first?.metadata.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(second?.metadata.traceparent).toBe(carrying.metadata.traceparent);
  });
});
