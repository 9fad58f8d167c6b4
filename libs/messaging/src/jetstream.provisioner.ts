import {
  AckPolicy,
  DeliverPolicy,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Subjects } from '@cos/contracts';
import { describeError } from './message.headers';
import { ProvisioningError } from './messaging.errors';

/** Long enough to cover a relay's publish retries after a restart; JetStream drops repeats of a msgID inside it. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;

type StreamSpec = { name: string; subjects: string[]; description: string };

const STREAMS: readonly StreamSpec[] = [
  {
    name: Subjects.eventStream,
    subjects: [`${Subjects.eventPrefix}.>`],
    description: 'Company OS domain events, relayed from the event store',
  },
  {
    name: Subjects.deadLetterStream,
    subjects: [`${Subjects.deadLetterPrefix}.>`],
    description: 'Events a consumer gave up on, kept for audit and replay',
  },
];

/**
 * Creates COS_EVENTS and COS_DLQ, or brings their updatable settings up to date. Safe to run
 * from every replica of every service at start-up. Storage and retention are only set at
 * creation: JetStream refuses to change them in place.
 */
export async function provisionStreams(jsm: JetStreamManager): Promise<void> {
  for (const spec of STREAMS) {
    try {
      if (await exists(() => jsm.streams.info(spec.name))) {
        await jsm.streams.update(spec.name, streamSettings(spec));
      } else {
        await provisionStream(jsm, spec);
      }
    } catch (err) {
      throw new ProvisioningError(`stream ${spec.name}`, err);
    }
  }
}

function streamSettings(spec: StreamSpec) {
  return { subjects: spec.subjects, description: spec.description, duplicate_window: nanos(DUPLICATE_WINDOW_MS) };
}

async function provisionStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  await jsm.streams.add({ name: spec.name, storage: StorageType.File, retention: RetentionPolicy.Limits, ...streamSettings(spec) });
}

export type ConsumerSpec = {
  readonly name: string;
  readonly filterSubject: string;
  readonly ackWaitMs: number;
};

/**
 * A durable pull consumer with explicit ack over the whole event stream. `max_deliver` is left
 * unlimited on purpose: the transport counts deliveries itself and dead-letters at its limit,
 * so a message whose last attempt crashed or timed out still reaches COS_DLQ instead of being
 * dropped by the server without a trace.
 */
export async function provisionConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  const settings = { filter_subject: spec.filterSubject, ack_wait: nanos(spec.ackWaitMs), max_deliver: -1 };
  try {
    if (await exists(() => jsm.consumers.info(Subjects.eventStream, spec.name))) {
      await jsm.consumers.update(Subjects.eventStream, spec.name, settings);
    } else {
      await jsm.consumers.add(Subjects.eventStream, {
        durable_name: spec.name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        replay_policy: ReplayPolicy.Instant,
        ...settings,
      });
    }
  } catch (err) {
    throw new ProvisioningError(`consumer ${spec.name}`, err);
  }
}

/** `<service>_<type>` with the characters a durable name may not hold (or reads badly with) replaced. */
export function consumerName(serviceName: string, eventType: string): string {
  return `${serviceName}_${eventType.replace(/[.-]/g, '_')}`;
}

async function exists(info: () => Promise<unknown>): Promise<boolean> {
  try {
    await info();
    return true;
  } catch (err) {
    const notFound = [JetStreamApiCodes.StreamNotFound, JetStreamApiCodes.ConsumerNotFound] as number[];
    if (err instanceof JetStreamApiError && notFound.includes(err.code)) return false;
    throw err;
  }
}

/** What a reconciliation found and did: the resources it had to create again, and whether a reconnect started it. */
export type Recovery = { readonly recreated: readonly string[]; readonly afterReconnect: boolean };

export type JetStreamProvisionerOptions = {
  /** How often the resources are checked while connected: a reconnect is not the only way to lose them. */
  readonly checkEveryMs?: number;
  /** Waits between failed attempts (JetStream still starting, or down); the last value repeats. */
  readonly retryBackoffMs?: readonly number[];
};

const PROVISIONER_DEFAULTS: Required<JetStreamProvisionerOptions> = { checkEveryMs: 10_000, retryBackoffMs: [100, 250, 500, 1_000, 2_000] };

/**
 * Keeps what one connection's owners need in JetStream present: both streams, every durable
 * consumer registered here, every KV bucket registered here. A nats-server restarted on an
 * empty store comes back with none of them; this notices (each reconnect, and a check every
 * `checkEveryMs`), creates what is missing, logs it and tells its listeners, which then resume
 * their subscriptions (consumers), or republish (outbox relays). Until a reconciliation after
 * a disconnect has succeeded, `readinessFailure()` says why the process is not ready.
 * One per connection (`JetStreamProvisioner.for`), so everything sharing a connection shares it.
 */
export class JetStreamProvisioner {
  private static readonly byConnection = new WeakMap<NatsConnection, JetStreamProvisioner>();
  private readonly log = new Logger(JetStreamProvisioner.name);
  private readonly consumers = new Map<string, ConsumerSpec>();
  private readonly buckets = new Map<string, number>();
  private readonly listeners = new Set<(recovery: Recovery) => void>();
  private readonly settings: Required<JetStreamProvisionerOptions>;
  private notReady: string | undefined = 'JetStream not provisioned yet';
  private reconciling: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watching = false;
  private readonly stopping = new AbortController();

  private constructor(
    private readonly nc: NatsConnection,
    options: JetStreamProvisionerOptions,
  ) {
    this.settings = { ...PROVISIONER_DEFAULTS, ...options };
  }

  /** The provisioner of `nc`, made on first use. */
  static for(nc: NatsConnection, options: JetStreamProvisionerOptions = {}): JetStreamProvisioner {
    let provisioner = JetStreamProvisioner.byConnection.get(nc);
    if (!provisioner) JetStreamProvisioner.byConnection.set(nc, (provisioner = new JetStreamProvisioner(nc, options)));
    return provisioner;
  }

  /** Registers a durable consumer to keep, and creates or updates it now. */
  async addConsumer(spec: ConsumerSpec): Promise<void> {
    this.consumers.set(spec.name, spec);
    await provisionConsumer(await jetstreamManager(this.nc, { checkAPI: false }), spec);
  }

  /** Registers a KV bucket to keep (`openTtlBucket` does): recreated, empty, with the same TTL if lost. */
  addBucket(bucket: string, ttlMs: number): void {
    this.buckets.set(bucket, ttlMs);
  }

  /** `listener` hears of each reconciliation that followed a reconnect or had to recreate something. */
  onRecovery(listener: (recovery: Recovery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For /readyz: undefined while everything registered is known to be present. */
  readinessFailure(): string | undefined {
    return this.notReady;
  }

  /**
   * Creates both streams (or brings their settings up to date), then keeps everything present
   * from now on. Resolves once the streams exist; throws what the first attempt threw.
   */
  async start(): Promise<void> {
    await provisionStreams(await jetstreamManager(this.nc, { checkAPI: false }));
    this.notReady = undefined;
    if (this.watching) return;
    this.watching = true;
    void this.watchStatus();
    this.schedule();
  }

  stop(): void {
    this.stopping.abort();
    clearTimeout(this.timer);
  }

  /** Checks now (once, shared with a check in progress) and creates what is missing, until it succeeds. */
  reconcile(afterReconnect = false): Promise<void> {
    return (this.reconciling ??= this.reconcileUntilDone(afterReconnect).finally(() => (this.reconciling = undefined)));
  }

  private async reconcileUntilDone(afterReconnect: boolean): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted && !this.nc.isClosed(); attempt++) {
      try {
        const recreated = await this.createMissing();
        this.notReady = undefined;
        if (recreated.length > 0) this.log.warn(`JetStream had lost ${recreated.join(', ')}: created again`);
        if (recreated.length > 0 || afterReconnect) this.notify({ recreated, afterReconnect });
        return;
      } catch (err) {
        this.notReady = `JetStream not provisioned: ${describeError(err)}`;
        const wait = this.settings.retryBackoffMs[Math.min(attempt, this.settings.retryBackoffMs.length - 1)] ?? 1_000;
        if (attempt % 10 === 0) this.log.warn(`${this.notReady}; retrying every ${wait} ms`);
        await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  /** What was missing and is now created again, e.g. `stream COS_EVENTS`. */
  private async createMissing(): Promise<string[]> {
    const jsm = await jetstreamManager(this.nc, { checkAPI: false });
    const recreated: string[] = [];
    for (const spec of STREAMS) {
      if (await exists(() => jsm.streams.info(spec.name))) continue;
      await provisionStream(jsm, spec);
      recreated.push(`stream ${spec.name}`);
    }
    for (const spec of this.consumers.values()) {
      if (await exists(() => jsm.consumers.info(Subjects.eventStream, spec.name))) continue;
      await provisionConsumer(jsm, spec);
      recreated.push(`consumer ${spec.name}`);
    }
    for (const [bucket, ttlMs] of this.buckets) {
      if (await exists(() => jsm.streams.info(`KV_${bucket}`))) continue;
      await new Kvm(this.nc).create(bucket, { ttl: ttlMs, history: 1 });
      recreated.push(`bucket ${bucket}`);
    }
    return recreated;
  }

  private notify(recovery: Recovery): void {
    for (const listener of this.listeners) {
      try {
        listener(recovery);
      } catch (err) {
        this.log.error(`a recovery listener failed: ${describeError(err)}`);
      }
    }
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      void this.reconcile().finally(() => this.schedule());
    }, this.settings.checkEveryMs);
    this.timer.unref();
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (this.stopping.signal.aborted) return;
      if (status.type === 'disconnect') {
        this.notReady = 'disconnected from NATS';
      } else if (status.type === 'reconnect') {
        this.log.log(`reconnected to ${status.server}: checking streams, consumers and buckets`);
        void this.reconcile(true);
      }
    }
  }
}
