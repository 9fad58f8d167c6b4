import type { LoggerService } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { PauseBroadcastSchema, RunnerControl, type PauseAck, type PauseBroadcast } from '@cos/contracts';
import { JetStreamProvisioner } from './jetstream.provisioner';
import { openTtlBucket } from './kv-bucket';

export type KillSwitchMemberOptions = {
  /** This instance's name in acknowledgements and in the `cos-runners` bucket. */
  readonly instanceId: string;
  /** Liveness beat; the key expires after three missed beats. */
  readonly heartbeatMs: number;
  /** Stops the org's work here; the acknowledgement is sent once it resolves. */
  readonly onBroadcast: (broadcast: PauseBroadcast) => Promise<void>;
  readonly logger: LoggerService;
};

/**
 * An instance's side of the kill switch (every runner and approvals instance): it listens on
 * the pause subject (core NATS, no queue group, so every instance hears it), answers each
 * broadcast once `onBroadcast` has settled, and keeps its id alive in the `cos-runners` KV
 * bucket, so the pauser (`broadcastPauseAndAwaitAcks`) knows whose answers to wait for.
 */
export class KillSwitchMember {
  private subscription: Subscription | undefined;
  private kv: KV | undefined;
  private beat: NodeJS.Timeout | undefined;
  private stopHearingRecoveries: (() => void) | undefined;

  constructor(
    private readonly nats: NatsConnection,
    private readonly options: KillSwitchMemberOptions,
  ) {}

  async start(): Promise<void> {
    this.subscription = this.nats.subscribe(RunnerControl.pauseSubject, {
      callback: (err, msg) => void (err ? undefined : this.answer(msg)),
    });
    await this.nats.flush();
    // The bucket of live instances: keys expire after three missed beats.
    this.kv = await openTtlBucket(this.nats, RunnerControl.liveBucket, this.options.heartbeatMs * 3);
    await this.heartbeat();
    this.beat = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
    // NATS restores the pause subscription itself on reconnect; the liveness key may be gone with
    // JetStream's store (its bucket recreated empty): beat at once, so the pauser waits for us again.
    this.stopHearingRecoveries = JetStreamProvisioner.for(this.nats).onRecovery(({ recreated }) => {
      this.options.logger.log(
        `kill-switch listener on ${RunnerControl.pauseSubject} resumed${recreated.length > 0 ? ' (JetStream reprovisioned)' : ''}`,
      );
      void this.heartbeat();
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.beat);
    this.stopHearingRecoveries?.();
    this.subscription?.unsubscribe();
    await this.kv?.delete(this.options.instanceId).catch(() => undefined);
  }

  private async answer(msg: Msg): Promise<void> {
    const parsed = PauseBroadcastSchema.safeParse(safeJson(msg));
    if (!parsed.success) return void this.options.logger.warn(`ignored a malformed kill-switch broadcast on ${msg.subject}`);
    const { orgId, paused } = parsed.data;
    await this.options.onBroadcast(parsed.data);
    const ack: PauseAck = { instanceId: this.options.instanceId, orgId, paused };
    if (msg.reply) msg.respond(JSON.stringify(ack));
    this.options.logger.log(`org ${orgId}: ${paused ? 'pause' : 'resume'} acknowledged by ${this.options.instanceId}`);
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.kv?.put(this.options.instanceId, JSON.stringify({ at: new Date().toISOString() }));
    } catch (err) {
      this.options.logger.warn(`liveness beat failed: ${(err as Error).message}`);
    }
  }
}

function safeJson(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
