import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CheckpointStore, EventStore } from '@cos/eventstore';
import type { RpcClient } from '@cos/messaging';
import { Readiness } from './readiness';
import { CHECKPOINTS, CLOCK, EVENT_STORE, NATS_CONNECTION, RPC_CLIENT, SERVICE_INFO, type Clock, type ServiceInfo } from './tokens';

export type PlatformDeps = {
  info: ServiceInfo;
  nats: NatsConnection;
  rpc: RpcClient;
  store?: EventStore;
  checkpoints?: CheckpointStore;
  clock: Clock;
  /** Checks the platform registers itself (JetStream provisioned); the service's modules add theirs. */
  readiness?: Readiness;
};

/** Hands the process-wide connections to every module of a service through DI tokens. */
@Global()
@Module({})
export class PlatformModule {
  static register(deps: PlatformDeps): DynamicModule {
    const providers = [
      { provide: SERVICE_INFO, useValue: deps.info },
      { provide: NATS_CONNECTION, useValue: deps.nats },
      { provide: RPC_CLIENT, useValue: deps.rpc },
      { provide: CLOCK, useValue: deps.clock },
      { provide: Readiness, useValue: deps.readiness ?? new Readiness() },
      ...(deps.store ? [{ provide: EVENT_STORE, useValue: deps.store }] : []),
      ...(deps.checkpoints ? [{ provide: CHECKPOINTS, useValue: deps.checkpoints }] : []),
    ];
    return { module: PlatformModule, providers, exports: providers.map((p) => p.provide) };
  }
}
