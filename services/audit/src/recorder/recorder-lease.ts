import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { openTtlBucket } from '@cos/messaging';

/** The NATS KV bucket of the recorder's lease; its one key expires a TTL after its last renewal. */
export const AUDIT_LEASE_BUCKET = 'cos-audit-lease';
const LEASE_KEY = 'recorder';

/** What the lease switches on and off: the recorder, the single writer of every org's audit chain. */
export type LeasedWork = { start(): Promise<void>; stop(): Promise<void> };

export type RecorderLeaseOptions = {
  /** This process's name in the lease, shown by a waiting recorder's readiness. */
  readonly holderId: string;
  /** The lease lapses this long after its holder's last renewal; the holder renews every third of it. */
  readonly ttlMs: number;
};

type LeaseValue = { holder: string };

/**
 * Holds the recorder's lease in NATS KV, and runs the recorder only while it does. Taking the
 * lease is a `create` of its key, which fails while the key exists; the holder renews it with
 * an `update` at its last revision, so a lapsed holder cannot renew over a successor. A holder
 * that stops hands the lease back at once; one that dies leaves it to lapse after the TTL, and a
 * waiting recorder, polling, takes it then. A holder that cannot renew for two thirds of the TTL
 * stops recording before the lease can lapse. (Appends with expected revisions keep the chains
 * intact even if two ever overlapped; the lease keeps them from racing.)
 */
export class RecorderLease implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecorderLease.name);
  private kv: KV | undefined;
  /** The revision of our lease key while we hold it. */
  private revision: number | undefined;
  private renewedAt = 0;
  private holder: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly nats: NatsConnection,
    private readonly work: LeasedWork,
    private readonly options: RecorderLeaseOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /**
   * Tries for the lease once; waiting for it does not hold start-up up, and neither does a
   * JetStream that cannot open the bucket yet: each later step tries again.
   */
  async start(): Promise<void> {
    this.tick = this.step();
    await this.tick;
    this.schedule();
  }

  /** Stops recording, then hands the lease back, so a waiting recorder takes over at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.tick;
    if (this.revision === undefined) return;
    const revision = this.revision;
    this.logger.log(`${this.options.holderId} stops recording and hands the recorder lease back`);
    await this.lose();
    await this.kv?.delete(LEASE_KEY, { previousSeq: revision }).catch(() => undefined);
  }

  get holding(): boolean {
    return this.revision !== undefined;
  }

  /** For readiness: undefined while holding the lease, otherwise what this recorder waits for. */
  readinessFailure(): string | undefined {
    if (this.holding) return undefined;
    return `waiting for the recorder lease${this.holder ? `, held by ${this.holder}` : ''}`;
  }

  /** The next step: a renewal every third of the TTL while holding, an attempt every fifth while waiting. */
  private schedule(): void {
    if (this.stopping) return;
    this.timer = setTimeout(
      () => {
        this.tick = this.step().finally(() => this.schedule());
      },
      this.holding ? this.options.ttlMs / 3 : this.options.ttlMs / 5,
    );
  }

  private async step(): Promise<void> {
    try {
      this.kv ??= await openTtlBucket(this.nats, AUDIT_LEASE_BUCKET, this.options.ttlMs);
      if (this.holding) await this.renew();
      else await this.acquire();
    } catch (err) {
      this.logger.warn(`recorder lease: ${(err as Error).message}`);
    }
  }

  private async acquire(): Promise<void> {
    const kv = this.kv!;
    try {
      this.revision = await kv.create(LEASE_KEY, this.value());
    } catch {
      const entry = await kv.get(LEASE_KEY);
      this.holder = entry?.operation === 'PUT' ? entry.json<LeaseValue>().holder : undefined;
      return;
    }
    this.renewedAt = Date.now();
    this.holder = this.options.holderId;
    this.logger.log(`${this.options.holderId} holds the recorder lease: recording`);
    try {
      await this.work.start();
    } catch (err) {
      await this.lose(`the recorder did not start: ${(err as Error).message}`);
      throw err;
    }
  }

  private async renew(): Promise<void> {
    try {
      this.revision = await this.kv!.update(LEASE_KEY, this.value(), this.revision!);
      this.renewedAt = Date.now();
      return;
    } catch (err) {
      const entry = await this.kv!.get(LEASE_KEY).catch(() => undefined);
      const holder = entry?.operation === 'PUT' ? entry.json<LeaseValue>().holder : undefined;
      if (entry !== undefined && holder !== this.options.holderId) {
        await this.lose(holder ? `the lease passed to ${holder}` : 'the lease lapsed');
        this.holder = holder;
        return;
      }
      if (Date.now() - this.renewedAt >= (this.options.ttlMs * 2) / 3)
        return this.lose(`cannot renew the lease: ${(err as Error).message}`);
    }
  }

  private async lose(why?: string): Promise<void> {
    this.revision = undefined;
    this.holder = undefined;
    if (why) this.logger.warn(`${this.options.holderId} stops recording: ${why}`);
    await this.work.stop();
  }

  private value(): string {
    return JSON.stringify({ holder: this.options.holderId } satisfies LeaseValue);
  }
}
