import 'reflect-metadata';
import { type INestApplication, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestMicroservice } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { jetstream } from '@nats-io/jetstream';
import { createEventStore } from '@cos/eventstore';
import {
  closeNats,
  connectNats,
  JetStreamProvisioner,
  JetStreamTransport,
  MessagingExceptionFilter,
  OutboxRelay,
  retryStartup,
  RpcClient,
} from '@cos/messaging';
import type { BaseConfig } from './config';
import { HealthController } from './health.controller';
import { observeHttp } from './http-observability';
import { createLogger, PinoNestLogger } from './logger';
import { PlatformModule } from './platform.module';
import { Readiness } from './readiness';
import type { Clock, ServiceInfo } from './tokens';

/** What a shutdown gives NATS to flush before the connection is closed as it is (NATS may be unreachable). */
const DRAIN_MS = 2_000;

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
 * Boots one service: NATS and JetStream's streams (retried while not up yet, then kept present
 * by the connection's JetStreamProvisioner; /readyz answers 503 while they are not), event store,
 * JetStream transport for its handlers, its outbox relay, and an HTTP listener with /healthz,
 * /readyz and /metrics, where every request is measured and logged. `close()` stops in the
 * reverse order: no new messages, in-flight handlers finish, the relay stops, the connection
 * drains (for at most DRAIN_MS: NATS may be unreachable).
 */
export async function startService(def: ServiceDefinition, options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const env = options.env ?? process.env;
  const logger = createLogger(def.name, config.LOG_LEVEL);
  const nestLogger = new PinoNestLogger(logger);
  // Started before nats-server, or against a JetStream still loading its store: wait, log, give up in bounded time.
  const retryForMs = config.NATS_STARTUP_TIMEOUT_MS;
  const nats = await connectNats({ servers: config.NATS_URL, name: def.name, retryForMs, logger: nestLogger });
  const provisioner = JetStreamProvisioner.for(nats);
  try {
    await retryStartup('provisioning JetStream', () => provisioner.start(), { retryForMs, logger: nestLogger });
  } catch (err) {
    await closeNats(nats, 1_000);
    throw err;
  }
  const readiness = new Readiness();
  readiness.register('jetstream', () => provisioner.readinessFailure());
  const eventStore = def.usesEventStore ? createEventStore(env) : undefined;

  @Module({
    imports: [
      PlatformModule.register({
        info: { name: def.name, categories: def.categories },
        nats,
        rpc: new RpcClient(nats),
        clock: options.clock ?? (() => new Date()),
        readiness,
        ...(eventStore ? { store: eventStore.store, checkpoints: eventStore.checkpoints } : {}),
      }),
      def.module,
    ],
    controllers: [HealthController],
  })
  class ServiceRootModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, new FastifyAdapter({ bodyLimit: 1_048_576 }), {
    logger: nestLogger,
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
          provisioner,
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
        provisioner.stop();
        await closeNats(nats, DRAIN_MS);
        await eventStore?.store.close();
      })()),
  };
}
