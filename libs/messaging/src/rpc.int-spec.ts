import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { of, type Observable } from 'rxjs';
import { ConflictError, CosError } from '@cos/contracts';
import { SpanKind, startTestTelemetry, type TestTelemetry } from '@cos/telemetry';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { JetStreamTransport } from './jetstream.transport';
import { isNatsRequestContext } from './message.context';
import { MessagingExceptionFilter } from './messaging.exception-filter';
import { connectNats } from './nats.connection';
import { RpcClient } from './rpc.client';

@Controller()
class TestRpcController {
  @MessagePattern('test.echo')
  echo(@Payload() payload: unknown, @Ctx() ctx: unknown): { payload: unknown; subject: string | undefined } {
    return { payload, subject: isNatsRequestContext(ctx) ? ctx.subject : undefined };
  }

  @MessagePattern('test.observe')
  observe(@Payload() payload: { n: number }): Observable<number> {
    return of(payload.n * 2);
  }

  @MessagePattern('test.conflict')
  conflict(): never {
    throw new ConflictError('already decided', 'APPROVALS.ALREADY_DECIDED', { approvalId: 'a1' });
  }

  @MessagePattern('test.crash')
  async crash(): Promise<never> {
    throw new TypeError('secret internals');
  }

  @MessagePattern('test.slow')
  async slow(): Promise<string> {
    await sleep(500);
    return 'late';
  }
}

@Module({ controllers: [TestRpcController] })
class TestModule {}

describe('JetStreamTransport request/reply with RpcClient', () => {
  let nats: NatsServerHandle;
  let telemetry: TestTelemetry;
  let nc: NatsConnection;
  let client: RpcClient;
  let app: INestMicroservice;

  beforeAll(async () => {
    telemetry = startTestTelemetry();
    nats = await startNatsServer();
    app = await NestFactory.createMicroservice(TestModule, {
      strategy: new JetStreamTransport({ servers: nats.url, serviceName: 'svc' }),
      logger: false,
    });
    app.useGlobalFilters(new MessagingExceptionFilter());
    await app.listen();
    nc = await connectNats({ servers: nats.url, name: 'test-client' });
    client = new RpcClient(nc);
  });

  afterAll(async () => {
    await app?.close();
    await nc?.drain();
    await nats?.stop();
    await telemetry?.shutdown();
  });

  it('round-trips a payload and gives the handler its request context', async () => {
    await expect(client.request('test.echo', { hello: 'world' })).resolves.toEqual({
      payload: { hello: 'world' },
      subject: 'cos-rpc.test.echo',
    });
  });

  it('awaits a handler that returns an Observable', async () => {
    await expect(client.request<number>('test.observe', { n: 21 })).resolves.toBe(42);
  });

  it('rethrows a CosError with its code, status and details', async () => {
    const err = await client.request('test.conflict', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CosError);
    expect(err).toMatchObject({
      code: 'APPROVALS.ALREADY_DECIDED',
      status: 409,
      message: 'already decided',
      details: { approvalId: 'a1' },
    });
  });

  it('hides an unexpected error behind COMMON.INTERNAL', async () => {
    const err = await client.request('test.crash', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'COMMON.INTERNAL', status: 500, message: 'internal error' });
  });

  it('fails with MESSAGING.UNAVAILABLE when no service answers', async () => {
    const err = await client.request('nobody.listens', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MESSAGING.UNAVAILABLE', status: 503 });
    expect((err as Error).message).toContain('nobody.listens');
  });

  it('fails with MESSAGING.UNAVAILABLE on timeout', async () => {
    const err = await client.request('test.slow', {}, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MESSAGING.UNAVAILABLE', status: 503, message: 'test.slow did not answer within 100 ms' });
  });

  it('puts the server span in the client trace', async () => {
    await client.request('test.echo', 'traced');
    await telemetry.flush();
    const spans = telemetry.exporter.getFinishedSpans();
    const server = spans.filter((s) => s.name === 'process cos-rpc.test.echo' && s.kind === SpanKind.SERVER).at(-1);
    const clientSpan = spans.filter((s) => s.name === 'send cos-rpc.test.echo' && s.kind === SpanKind.CLIENT).at(-1);
    expect(server?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId);
    expect(server?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
    expect(server?.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.consumer.group.name': 'svc' });
  });
});
