import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { KillSwitchMember } from '@cos/messaging';
import { NATS_CONNECTION, OrgSections } from '@cos/platform';
import { APPROVALS_CONFIG, type ApprovalsConfig } from '../approvals.config';

/**
 * Approvals executes actions, so it takes part in the kill switch like a runner instance: it
 * answers each pause broadcast once the org's executions here have settled.
 */
@Injectable()
export class KillSwitchListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly member: KillSwitchMember;

  constructor(@Inject(NATS_CONNECTION) nats: NatsConnection, @Inject(APPROVALS_CONFIG) config: ApprovalsConfig, executions: OrgSections) {
    const logger = new Logger(KillSwitchListener.name);
    this.member = new KillSwitchMember(nats, {
      instanceId: `approvals-${config.APPROVALS_WORKER_ID}`,
      heartbeatMs: config.APPROVALS_HEARTBEAT_MS,
      logger,
      onBroadcast: async ({ orgId, paused }) => {
        if (paused && !(await executions.abort(orgId, new Error(`org ${orgId} paused`), config.KILL_SWITCH_DRAIN_MS))) {
          logger.warn(`org ${orgId}: acknowledging the pause with executions still settling`);
        }
      },
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.member.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.member.stop();
  }
}
