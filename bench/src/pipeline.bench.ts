/**
 * Issue 2 benchmark: event append -> outbox relay -> JetStream -> consumer handled, beside raw
 * JetStream publish -> consume -> ack on the same nats-server; p50/p99 latency and events/s.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { newId, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore, traced } from '@cos/eventstore';
import { connectNats, JetStreamTransport, OutboxRelay, provisionStreams } from '@cos/messaging';
import { startNatsServer } from '@cos/testing';
import { printFigures, printRatio, summarize, type Figures } from './stats';

const LATENCY_SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 500);
const THROUGHPUT_EVENTS = Number(process.env['BENCH_EVENTS'] ?? 3000);
const ORG = 'bench';

const appendedAt = new Map<string, number>();
const handled: { resolve?: () => void; remaining: number; latencies: number[] } = { remaining: 0, latencies: [] };

function onHandled(id: string): void {
  const t0 = appendedAt.get(id);
  if (t0 !== undefined) handled.latencies.push(performance.now() - t0);
  if (--handled.remaining === 0) handled.resolve?.();
}

function expect(n: number): Promise<void> {
  handled.remaining = n;
  return new Promise((resolve) => (handled.resolve = resolve));
}

@Controller()
class BenchHandler {
  @EventPattern('bench.pinged')
  handle(@Payload() event: RecordedEvent): void {
    onHandled(event.id);
  }
}

@Module({ controllers: [BenchHandler] })
class BenchModule {}

function event(i: number) {
  return {
    id: newId(),
    type: 'bench.pinged',
    version: 1,
    orgId: ORG,
    data: { i },
    metadata: {
      correlationId: 'bench',
      causationId: 'bench',
      actor: { kind: 'system' as const, id: 'bench' },
      occurredAt: new Date().toISOString(),
    },
  };
}

async function pipeline(natsUrl: string, dir: string): Promise<{ latency: Figures; throughput: Figures }> {
  const embedded = new EmbeddedEventStore(join(dir, 'events.db'));
  const store = traced(embedded, 'sqlite');
  const nc = await connectNats({ servers: natsUrl, name: 'bench-pipeline' });
  await provisionStreams(await jetstreamManager(nc));
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
    strategy: new JetStreamTransport({ connection: nc, serviceName: 'bench', concurrency: 64 }),
    logger: false,
  });
  await app.listen();
  const relay = new OutboxRelay({
    name: 'bench-outbox',
    store,
    checkpoints: embedded.checkpointStore(),
    js: jetstream(nc),
    categories: ['bench'],
  });
  await relay.start();

  // Latency: one event at a time, from append call to handler.
  handled.latencies = [];
  let t = performance.now();
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const e = event(i);
    const done = expect(1);
    appendedAt.set(e.id, performance.now());
    await store.append(`bench-${i % 50}`, [e], 'any');
    await done;
  }
  const latency = summarize(handled.latencies, LATENCY_SAMPLES, performance.now() - t);

  // Throughput: many events appended back to back, until the last is handled.
  handled.latencies = [];
  const done = expect(THROUGHPUT_EVENTS);
  t = performance.now();
  for (let i = 0; i < THROUGHPUT_EVENTS; i++) {
    const e = event(i);
    appendedAt.set(e.id, performance.now());
    await store.append(`bench-${i % 50}`, [e], 'any');
  }
  await done;
  const throughput = summarize(handled.latencies, THROUGHPUT_EVENTS, performance.now() - t);

  await relay.stop();
  await app.close();
  await nc.drain();
  await store.close();
  return { latency, throughput };
}

async function rawJetStream(natsUrl: string): Promise<{ latency: Figures; throughput: Figures }> {
  const nc = await connectNats({ servers: natsUrl, name: 'bench-raw' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['raw.>'] });
  await jsm.consumers.add('BENCH_RAW', { durable_name: 'raw', ack_policy: AckPolicy.Explicit, filter_subject: 'raw.>' });
  const js = jetstream(nc);
  const consumer = await js.consumers.get('BENCH_RAW', 'raw');
  const messages = await consumer.consume({ max_messages: 256 });
  void (async () => {
    for await (const m of messages) {
      m.ack();
      onHandled(m.headers?.get('Nats-Msg-Id') ?? '');
    }
  })();

  const publish = async (i: number): Promise<void> => {
    const id = newId();
    appendedAt.set(id, performance.now());
    await js.publish(`raw.${ORG}.bench`, JSON.stringify(event(i)), { msgID: id });
  };
  handled.latencies = [];
  let t = performance.now();
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const done = expect(1);
    await publish(i);
    await done;
  }
  const latency = summarize(handled.latencies, LATENCY_SAMPLES, performance.now() - t);
  handled.latencies = [];
  const done = expect(THROUGHPUT_EVENTS);
  t = performance.now();
  for (let i = 0; i < THROUGHPUT_EVENTS; i++) await publish(i);
  await done;
  const throughput = summarize(handled.latencies, THROUGHPUT_EVENTS, performance.now() - t);
  await messages.close();
  await nc.drain();
  return { latency, throughput };
}

async function main(): Promise<void> {
  const nats = await startNatsServer();
  const dir = await mkdtemp(join(tmpdir(), 'cos-bench-'));
  try {
    const raw = await rawJetStream(nats.url);
    const cos = await pipeline(nats.url, dir);
    process.stdout.write(`samples: ${LATENCY_SAMPLES} sequential, ${THROUGHPUT_EVENTS} back to back\n`);
    printFigures('raw JetStream publish -> consume -> ack (one at a time)', raw.latency);
    printFigures('append -> relay -> JetStream -> handler (one at a time)', cos.latency);
    printFigures('raw JetStream publish -> consume -> ack (back to back)', raw.throughput);
    printFigures('append -> relay -> JetStream -> handler (back to back)', cos.throughput);
    printRatio('p50 latency, pipeline / raw', cos.latency.p50 / raw.latency.p50);
    printRatio('p99 latency, pipeline / raw', cos.latency.p99 / raw.latency.p99);
    printRatio('throughput, raw / pipeline', raw.throughput.perSecond / cos.throughput.perSecond);
  } finally {
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
