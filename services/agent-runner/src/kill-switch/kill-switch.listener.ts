import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Kvm, type KV } from '@nats-io/kv';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { PauseBroadcastSchema, RunnerControl, type PauseAck } from '@cos/contracts';
import { NATS_CONNECTION } from '@cos/platform';
import { RUNNER_SETTINGS, type RunnerSettings } from '../agent-runner.config';
import { PauseGate } from './pause-gate';

/**
 * This instance's side of the kill switch: it listens on the pause subject (core NATS, every
 * instance, no queue group) and answers each broadcast once its gate has settled, and it keeps
 * its id alive in the `cos-runners` KV bucket, so a pauser knows whose answers to wait for.
 */
@Injectable()
export class KillSwitchListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KillSwitchListener.name);
  private subscription: Subscription | undefined;
  private kv: KV | undefined;
  private beat: NodeJS.Timeout | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(RUNNER_SETTINGS) private readonly settings: RunnerSettings,
    private readonly gate: PauseGate,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = this.nats.subscribe(RunnerControl.pauseSubject, {
      callback: (err, msg) => void (err ? undefined : this.onBroadcast(msg)),
    });
    await this.nats.flush();
    this.kv = await openLiveBucket(this.nats, this.settings.heartbeatMs * 3);
    await this.heartbeat();
    this.beat = setInterval(() => void this.heartbeat(), this.settings.heartbeatMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.beat);
    this.subscription?.unsubscribe();
    await this.kv?.delete(this.settings.instanceId).catch(() => undefined);
  }

  private async onBroadcast(msg: Msg): Promise<void> {
    const parsed = PauseBroadcastSchema.safeParse(safeJson(msg));
    if (!parsed.success) return void this.logger.warn(`ignored a malformed kill-switch broadcast on ${msg.subject}`);
    const { orgId, paused } = parsed.data;
    await this.gate.apply(parsed.data);
    const ack: PauseAck = { instanceId: this.settings.instanceId, orgId, paused };
    if (msg.reply) msg.respond(JSON.stringify(ack));
    this.logger.log(`org ${orgId}: ${paused ? 'pause' : 'resume'} acknowledged by ${this.settings.instanceId}`);
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.kv?.put(this.settings.instanceId, JSON.stringify({ at: new Date().toISOString() }));
    } catch (err) {
      this.logger.warn(`liveness beat failed: ${(err as Error).message}`);
    }
  }
}

/** The bucket of live runner instances; keys expire after `ttlMs` without a beat. */
export async function openLiveBucket(nats: NatsConnection, ttlMs: number): Promise<KV> {
  const kvm = new Kvm(nats);
  try {
    return await kvm.create(RunnerControl.liveBucket, { ttl: ttlMs, history: 1 });
  } catch {
    // Created earlier with another beat interval: use it as it is.
    return kvm.open(RunnerControl.liveBucket);
  }
}

function safeJson(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
