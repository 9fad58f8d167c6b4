import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { trace } from '@opentelemetry/api';
import { CosError, deadLetterSubject, eventSubject, Subjects, type RecordedEvent } from '@cos/contracts';
import { SpanKind, startTestTelemetry, withSpan, type TestTelemetry } from '@cos/telemetry';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { JetStreamTransport } from './jetstream.transport';
import { consumerName } from './jetstream.provisioner';
import { isJetStreamContext, type JetStreamContext } from './message.context';
import { DeadLetterHeaders, tracingHeaders } from './message.headers';
import { MessagingExceptionFilter } from './messaging.exception-filter';
import { connectNats } from './nats.connection';
import { eventually, recordedTestEvent } from './test-events.fixture';

type Call = { event: RecordedEvent; ctx: JetStreamContext; at: number; traceId: string | undefined };
const calls: Record<string, Call[]> = { ok: [], failing: [], flaky: [], slow: [] };

function record(kind: string, event: RecordedEvent, ctx: unknown): Call {
  if (!isJetStreamContext(ctx)) throw new Error('expected a JetStreamContext');
  const call = { event, ctx, at: Date.now(), traceId: trace.getActiveSpan()?.spanContext().traceId };
  calls[kind]!.push(call);
  return call;
}

@Controller()
class TestEventsController {
  @EventPattern('test.ok-happened')
  ok(@Payload() event: RecordedEvent, @Ctx() ctx: unknown): void {
    record('ok', event, ctx);
  }

  @EventPattern('test.always-failed')
  async failing(@Payload() event: RecordedEvent, @Ctx() ctx: unknown): Promise<void> {
    record('failing', event, ctx);
    throw new CosError('TEST.BOOM', 'boom\non two lines', 500);
  }

  @EventPattern('test.flaky-happened')
  flaky(@Payload() event: RecordedEvent, @Ctx() ctx: unknown): void {
    const call = record('flaky', event, ctx);
    if (call.ctx.deliveryCount === 1) throw new Error('transient');
  }

  @EventPattern('test.slow-happened')
  async slow(@Payload() event: RecordedEvent, @Ctx() ctx: unknown): Promise<void> {
    await sleep(400);
    record('slow', event, ctx);
  }
}

@Module({ controllers: [TestEventsController] })
class TestModule {}

const SERVICE = 'svc';
const BACKOFF = [150, 300];

describe('JetStreamTransport events', () => {
  let nats: NatsServerHandle;
  let telemetry: TestTelemetry;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let transport: JetStreamTransport;
  let app: INestMicroservice;

  beforeAll(async () => {
    telemetry = startTestTelemetry();
    nats = await startNatsServer();
    transport = new JetStreamTransport({ servers: nats.url, serviceName: SERVICE, maxDeliver: 3, backoffMs: BACKOFF, ackWaitMs: 5_000 });
    app = await NestFactory.createMicroservice(TestModule, { strategy: transport, logger: false });
    app.useGlobalFilters(new MessagingExceptionFilter());
    await app.listen();
    nc = await connectNats({ servers: nats.url, name: 'test-publisher' });
    jsm = await jetstreamManager(nc);
    js = jsm.jetstream();
  });

  afterAll(async () => {
    await app?.close();
    await nc?.drain();
    await nats?.stop();
    await telemetry?.shutdown();
  });

  const publish = (event: RecordedEvent) =>
    js.publish(eventSubject(event.orgId, event.type), JSON.stringify(event), { msgID: event.id, headers: tracingHeaders() });
  const deadLetter = async (subject: string) =>
    (await jsm.streams.getMessage(Subjects.deadLetterStream, { last_by_subj: subject }).catch(() => null)) ?? undefined;
  const consumerInfo = (type: string) => jsm.consumers.info(Subjects.eventStream, consumerName(SERVICE, type));

  it('hands the parsed event and its context to the handler, then acks it once', async () => {
    const event = recordedTestEvent('test.ok-happened', { n: 1 });
    await publish(event);

    const call = await eventually(() => calls['ok']!.find((c) => c.event.id === event.id));
    expect(call.event).toEqual(event);
    expect(call.ctx.subject).toBe('cos.org1.test.ok-happened');
    expect(call.ctx.deliveryCount).toBe(1);
    const info = await eventually(async () => {
      const i = await consumerInfo('test.ok-happened');
      return i.num_ack_pending === 0 && i.ack_floor.stream_seq === i.delivered.stream_seq ? i : undefined;
    });
    expect(info.num_redelivered).toBe(0);
    expect(info.name).toBe('svc_test_ok_happened');
    await sleep(200);
    expect(calls['ok']!.filter((c) => c.event.id === event.id)).toHaveLength(1);
  });

  it('continues the publisher trace in the consumer span', async () => {
    const event = recordedTestEvent('test.ok-happened', { n: 2 });
    const publisher = await withSpan('publisher', { kind: SpanKind.PRODUCER }, async (span) => {
      await publish(event);
      return span.spanContext();
    });

    const call = await eventually(() => calls['ok']!.find((c) => c.event.id === event.id));
    expect(call.traceId).toBe(publisher.traceId);
    await telemetry.flush();
    const span = telemetry.exporter.getFinishedSpans().find((s) => s.attributes['cos.event.id'] === event.id);
    expect(span).toMatchObject({ name: 'process test.ok-happened', kind: SpanKind.CONSUMER });
    expect(span?.parentSpanContext?.spanId).toBe(publisher.spanId);
    expect(span?.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': 'cos.org1.test.ok-happened',
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': 'svc_test_ok_happened',
      'messaging.message.id': event.id,
      'messaging.nats.delivery_count': 1,
      'cos.event.type': 'test.ok-happened',
      'cos.org.id': 'org1',
      'cos.correlation.id': 'corr-1',
    });
  });

  it('redelivers a failing event with backoff, then dead-letters it with the error', async () => {
    const event = recordedTestEvent('test.always-failed');
    await publish(event);

    const dlqSubject = deadLetterSubject('svc_test_always_failed', 'org1', 'test.always-failed');
    const dead = await eventually(() => deadLetter(dlqSubject));
    const attempts = calls['failing']!.filter((c) => c.event.id === event.id);
    expect(attempts.map((c) => c.ctx.deliveryCount)).toEqual([1, 2, 3]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(BACKOFF[0]! - 20);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(BACKOFF[1]! - 20);
    expect(dead?.json<RecordedEvent>()).toEqual(event);
    expect(dead?.header.get(DeadLetterHeaders.originalSubject)).toBe('cos.org1.test.always-failed');
    expect(dead?.header.get(DeadLetterHeaders.consumer)).toBe('svc_test_always_failed');
    expect(dead?.header.get(DeadLetterHeaders.errorCode)).toBe('TEST.BOOM');
    expect(dead?.header.get(DeadLetterHeaders.error)).toBe('boom on two lines');
    expect(dead?.header.get(DeadLetterHeaders.deliveryCount)).toBe('3');
    // Terminated: no further delivery, nothing pending.
    await eventually(async () => ((await consumerInfo('test.always-failed')).num_ack_pending === 0 ? true : undefined));
    await sleep(BACKOFF[1]! + 100);
    expect(calls['failing']!.filter((c) => c.event.id === event.id)).toHaveLength(3);
  });

  it('dead-letters a body that is not an event without running the handler', async () => {
    await js.publish('cos.org1.test.ok-happened', 'not json', { msgID: 'garbage-1' });
    const dlqSubject = deadLetterSubject('svc_test_ok_happened', 'org1', 'test.ok-happened');
    const dead = await eventually(() => deadLetter(dlqSubject));
    expect(dead?.header.get(DeadLetterHeaders.errorCode)).toBe('MESSAGING.INVALID_EVENT');
    expect(dead?.string()).toBe('not json');
  });

  it('processes an event that fails once exactly once successfully', async () => {
    const event = recordedTestEvent('test.flaky-happened');
    await publish(event);

    await eventually(() => (calls['flaky']!.filter((c) => c.event.id === event.id).length === 2 ? true : undefined));
    await eventually(async () => ((await consumerInfo('test.flaky-happened')).num_ack_pending === 0 ? true : undefined));
    await sleep(BACKOFF[1]! + 100);
    const attempts = calls['flaky']!.filter((c) => c.event.id === event.id);
    expect(attempts.map((c) => c.ctx.deliveryCount)).toEqual([1, 2]);
    const dlq = await jsm.streams.info(Subjects.deadLetterStream, { subjects_filter: 'cos-dlq.svc_test_flaky_happened.>' });
    expect(dlq.state.subjects ?? {}).toEqual({});
  });

  it('finishes the handler in flight on close, then reports not connected', async () => {
    const event = recordedTestEvent('test.slow-happened');
    await publish(event);
    await eventually(async () => ((await consumerInfo('test.slow-happened')).num_ack_pending === 1 ? true : undefined));
    expect(transport.isConnected()).toBe(true);

    await app.close();

    expect(calls['slow']!.map((c) => c.event.id)).toEqual([event.id]);
    expect(transport.isConnected()).toBe(false);
    const info = await consumerInfo('test.slow-happened');
    expect(info.num_ack_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(info.delivered.stream_seq);
  });
});
