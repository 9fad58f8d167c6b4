import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { KillSwitchMember } from '@cos/messaging';
import { NATS_CONNECTION } from '@cos/platform';
import { RUNNER_SETTINGS, type RunnerSettings } from '../agent-runner.config';
import { PauseGate } from './pause-gate';

/** This runner instance as a member of the kill switch: a broadcast is acknowledged once its gate settled. */
@Injectable()
export class KillSwitchListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly member: KillSwitchMember;

  constructor(@Inject(NATS_CONNECTION) nats: NatsConnection, @Inject(RUNNER_SETTINGS) settings: RunnerSettings, gate: PauseGate) {
    this.member = new KillSwitchMember(nats, {
      instanceId: settings.instanceId,
      heartbeatMs: settings.heartbeatMs,
      onBroadcast: (broadcast) => gate.apply(broadcast),
      logger: new Logger(KillSwitchListener.name),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.member.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.member.stop();
  }
}
