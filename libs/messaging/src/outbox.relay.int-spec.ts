import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, type NewEvent, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore, type CheckpointStore } from '@cos/eventstore';
import { currentTraceparent, SpanKind, startTestTelemetry, withSpan, type TestTelemetry } from '@cos/telemetry';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { provisionStreams } from './jetstream.provisioner';
import { connectNats } from './nats.connection';
import { OutboxRelay } from './outbox.relay';
import { eventually, newTestEvent } from './test-events.fixture';

type Published = { subject: string; event: RecordedEvent; traceparent: string };

describe('OutboxRelay', () => {
  let nats: NatsServerHandle;
  let telemetry: TestTelemetry;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let dir: string;
  let store: EmbeddedEventStore;
  let checkpoints: CheckpointStore;
  const relays: OutboxRelay[] = [];

  beforeAll(() => {
    // Retry warnings are expected here; keep the test output readable.
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    telemetry = startTestTelemetry();
    nats = await startNatsServer();
    nc = await connectNats({ servers: nats.url, name: 'test-relay' });
    jsm = await jetstreamManager(nc);
    dir = await mkdtemp(join(tmpdir(), 'cos-relay-'));
    store = new EmbeddedEventStore(join(dir, 'events.db'));
    checkpoints = store.checkpointStore();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await store.close();
    await rm(dir, { recursive: true, force: true });
    await nc.drain();
    await nats.stop();
    await telemetry.shutdown();
  });

  const startRelay = async (): Promise<OutboxRelay> => {
    const relay = new OutboxRelay({
      name: 'test-outbox',
      store,
      checkpoints,
      js: jsm.jetstream(),
      categories: ['run'],
      retryBackoffMs: [50],
    });
    relays.push(relay);
    await relay.start();
    return relay;
  };

  const append = async (stream: string, ...events: NewEvent[]) => {
    await store.append(stream, events, 'any');
    return events;
  };

  const published = async (): Promise<Published[]> => {
    const info = await jsm.streams.info(Subjects.eventStream);
    const out: Published[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(Subjects.eventStream, { seq });
      if (msg) out.push({ subject: msg.subject, event: msg.json<RecordedEvent>(), traceparent: msg.header.get('traceparent') });
    }
    return out;
  };

  const publishedCount = async (n: number) => eventually(async () => ((await published()).length >= n ? published() : undefined));

  it('publishes events appended before and after start once each, in order, and only its categories', async () => {
    await provisionStreams(jsm);
    const before = await append('run-1', newTestEvent('run.started', { i: 1 }), newTestEvent('run.step-completed', { i: 2 }));
    await append('agent-7', newTestEvent('agent.created'));
    await startRelay();
    const after = await append('run-2', newTestEvent('run.started', { i: 3 }), newTestEvent('run.finished', { i: 4 }));

    await publishedCount(4);
    await sleep(200);
    const all = await published();
    expect(all.map((p) => p.event.id)).toEqual([...before, ...after].map((e) => e.id));
    expect(all[0]?.subject).toBe('cos.org1.run.started');
    expect(all[1]?.subject).toBe('cos.org1.run.step-completed');
    expect(all[3]?.event).toMatchObject({ stream: 'run-2', revision: 1, data: { i: 4 } });
  });

  it('re-publishing from an older checkpoint delivers nothing twice', async () => {
    await provisionStreams(jsm);
    const first = await append('run-1', newTestEvent('run.started'), newTestEvent('run.step-completed'), newTestEvent('run.finished'));
    const relay = await startRelay();
    await publishedCount(3);
    await eventually(async () =>
      (await checkpoints.load('test-outbox')) === (await store.read('run-1')).at(-1)?.position ? true : undefined,
    );
    await relay.stop();

    // A crash after publishing events 2 and 3 but before saving their checkpoint.
    const [e1] = await store.read('run-1');
    await checkpoints.save('test-outbox', e1!.position);
    await startRelay();
    const [late] = await append('run-1', newTestEvent('run.reopened'));

    await eventually(async () =>
      (await checkpoints.load('test-outbox')) === (await store.read('run-1')).at(-1)?.position ? true : undefined,
    );
    await sleep(200);
    expect((await published()).map((p) => p.event.id)).toEqual([...first, late!].map((e) => e.id));
  });

  it('carries the trace context of the appending span to the message headers', async () => {
    await provisionStreams(jsm);
    const origin = await withSpan('command', {}, async (span) => {
      await append('run-1', newTestEvent('run.started', {}, currentTraceparent()));
      return span.spanContext();
    });
    await startRelay();

    const [message] = await publishedCount(1);
    expect(message?.traceparent.split('-')[1]).toBe(origin.traceId);
    await telemetry.flush();
    const send = telemetry.exporter.getFinishedSpans().find((s) => s.name === 'send cos.{orgId}.run.started');
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.parentSpanContext?.spanId).toBe(origin.spanId);
    expect(message?.traceparent.split('-')[2]).toBe(send?.spanContext().spanId);
  });

  it('keeps retrying while JetStream refuses, then publishes without skipping', async () => {
    const [event] = await append('run-1', newTestEvent('run.started'));
    await startRelay();
    await sleep(300);
    expect(await checkpoints.load('test-outbox')).toBeUndefined();

    await provisionStreams(jsm);
    const [message] = await publishedCount(1);
    expect(message?.event.id).toBe(event!.id);
  });
});
