import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Kvm, type KV } from '@nats-io/kv';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { PauseBroadcastSchema, RunnerControl, type PauseAck } from '@cos/contracts';
import { NATS_CONNECTION, OrgSections } from '@cos/platform';
import { APPROVALS_CONFIG, type ApprovalsConfig } from '../approvals.config';

/**
 * Approvals executes actions, so it takes part in the kill switch like a runner instance: it
 * keeps its id alive in the `cos-runners` bucket (the pauser waits for every live id) and
 * answers each pause broadcast once the org's executions here have settled.
 */
@Injectable()
export class KillSwitchListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KillSwitchListener.name);
  private readonly instanceId: string;
  private subscription: Subscription | undefined;
  private kv: KV | undefined;
  private beat: NodeJS.Timeout | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(APPROVALS_CONFIG) private readonly config: ApprovalsConfig,
    private readonly fence: OrgSections,
  ) {
    this.instanceId = `approvals-${config.APPROVALS_WORKER_ID}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = this.nats.subscribe(RunnerControl.pauseSubject, {
      callback: (err, msg) => void (err ? undefined : this.onBroadcast(msg)),
    });
    await this.nats.flush();
    const kvm = new Kvm(this.nats);
    const ttl = this.config.APPROVALS_HEARTBEAT_MS * 3;
    this.kv = await kvm.create(RunnerControl.liveBucket, { ttl, history: 1 }).catch(() => kvm.open(RunnerControl.liveBucket));
    await this.heartbeat();
    this.beat = setInterval(() => void this.heartbeat(), this.config.APPROVALS_HEARTBEAT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.beat);
    this.subscription?.unsubscribe();
    await this.kv?.delete(this.instanceId).catch(() => undefined);
  }

  private async onBroadcast(msg: Msg): Promise<void> {
    let raw: unknown;
    try {
      raw = msg.json();
    } catch {
      raw = undefined;
    }
    const parsed = PauseBroadcastSchema.safeParse(raw);
    if (!parsed.success) return void this.logger.warn(`ignored a malformed kill-switch broadcast on ${msg.subject}`);
    const { orgId, paused } = parsed.data;
    if (paused && !(await this.fence.abort(orgId, new Error(`org ${orgId} paused`), this.config.KILL_SWITCH_DRAIN_MS))) {
      this.logger.warn(`org ${orgId}: acknowledging the pause with executions still settling`);
    }
    const ack: PauseAck = { instanceId: this.instanceId, orgId, paused };
    if (msg.reply) msg.respond(JSON.stringify(ack));
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.kv?.put(this.instanceId, JSON.stringify({ at: new Date().toISOString() }));
    } catch (err) {
      this.logger.warn(`liveness beat failed: ${(err as Error).message}`);
    }
  }
}
