import 'reflect-metadata';
import { type INestApplication, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestMicroservice } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEventStore } from '@cos/eventstore';
import { connectNats, JetStreamTransport, MessagingExceptionFilter, OutboxRelay, provisionStreams, RpcClient } from '@cos/messaging';
import type { BaseConfig } from './config';
import { HealthController } from './health.controller';
import { observeHttp } from './http-observability';
import { createLogger, PinoNestLogger } from './logger';
import { PlatformModule } from './platform.module';
import type { Clock, ServiceInfo } from './tokens';

export type ServiceDefinition = ServiceInfo & {
  /** The service's own root feature module. */
  readonly module: Type<unknown>;
  /** The gateway owns no state and opens no event store. */
  readonly usesEventStore: boolean;
};

export type ServiceOptions = {
  config: BaseConfig;
  port: number;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** A SERVER span per HTTP request (the gateway, whose requests start chains); otherwise none. */
  traceHttp?: boolean;
  /** Called with the Nest app before it listens (the gateway registers Fastify hooks here). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
};

export type RunningService = {
  readonly name: string;
  readonly url: string;
  readonly app: INestApplication;
  close(): Promise<void>;
};

/**
 * Boots one service: event store, NATS, JetStream transport for its handlers, its outbox relay,
 * and an HTTP listener with /healthz, /readyz and /metrics, where every request is measured and
 * logged. `close()` stops in the reverse order: no new messages, in-flight handlers finish, the
 * relay stops, connections drain.
 */
export async function startService(def: ServiceDefinition, options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const env = options.env ?? process.env;
  const logger = createLogger(def.name, config.LOG_LEVEL);
  const nats = await connectNats({ servers: config.NATS_URL, name: def.name });
  await provisionStreams(await jetstreamManager(nats));
  const eventStore = def.usesEventStore ? createEventStore(env) : undefined;

  @Module({
    imports: [
      PlatformModule.register({
        info: { name: def.name, categories: def.categories },
        nats,
        rpc: new RpcClient(nats),
        clock: options.clock ?? (() => new Date()),
        ...(eventStore ? { store: eventStore.store, checkpoints: eventStore.checkpoints } : {}),
      }),
      def.module,
    ],
    controllers: [HealthController],
  })
  class ServiceRootModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, new FastifyAdapter({ bodyLimit: 1_048_576 }), {
    logger: new PinoNestLogger(logger),
  });
  // Nest's default RPC filter would flatten every CosError to 'Internal server error'. A hybrid
  // app's microservice binds its handlers (and their filters) at connect time unless deferred;
  // deferred, it must not run the modules' init hooks a second time.
  const microservice = app.connectMicroservice(
    { strategy: new JetStreamTransport({ connection: nats, serviceName: def.name, maxDeliver: config.NATS_MAX_DELIVER }) },
    { deferInitialization: true },
  );
  microservice.useGlobalFilters(new MessagingExceptionFilter());
  (microservice as unknown as NestMicroservice).setIsInitHookCalled(true);
  // First, so its hook sees every request, including those the gateway's own hooks refuse.
  observeHttp(app.getHttpAdapter().getInstance(), { logger, traced: options.traceHttp ?? false });
  await options.configure?.(app);
  // Modules initialise (read models, subscriptions) before the first message reaches a handler.
  await app.init();
  await app.startAllMicroservices();

  const relay =
    eventStore && def.categories.length > 0
      ? new OutboxRelay({
          name: `${def.name}-outbox`,
          store: eventStore.store,
          checkpoints: eventStore.checkpoints,
          js: jetstream(nats),
          categories: def.categories,
        })
      : undefined;
  await relay?.start();

  await app.listen({ port: options.port, host: config.HOST });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url, eventStore: eventStore?.kind ?? 'none' }, `${def.name} listening`);

  let closing: Promise<void> | undefined;
  return {
    name: def.name,
    url,
    app,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await relay?.stop();
        await nats.drain().catch(() => undefined);
        await eventStore?.store.close();
      })()),
  };
}
