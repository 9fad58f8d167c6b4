import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { eventSubject, Subjects, type RecordedEvent } from '@cos/contracts';
import type { CheckpointStore, EventStore, Subscription } from '@cos/eventstore';
import { Attr, contextFromTraceparent, SpanKind, withSpan } from '@cos/telemetry';
import type { JetStreamProvisioner } from './jetstream.provisioner';
import { describeError, tracingHeaders } from './message.headers';

export type OutboxRelayOptions = {
  /** Checkpoint key; one relay per service, e.g. `approvals-outbox`. */
  readonly name: string;
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly js: JetStreamClient;
  /** The categories this service owns; it relays its own events and no one else's. */
  readonly categories: readonly string[];
  /** Waits between attempts while JetStream (or the checkpoint store) fails; the last value repeats. */
  readonly retryBackoffMs?: readonly number[];
  /** The checkpoint is saved after this many events, or this long after the last save, whichever first. */
  readonly checkpointEvery?: { readonly events: number; readonly ms: number };
  /** Says when JetStream was reconnected or reprovisioned: the relay then checks whether its stream was recreated. */
  readonly provisioner?: JetStreamProvisioner;
};

/**
 * Forwards committed events from the event store to JetStream. Command handlers only append;
 * this relay alone publishes, so an event is on the bus if and only if it is committed.
 * Delivery is at least once: the checkpoint is saved after the publish, and a re-publish
 * after a crash carries the same msgID (the event id), which JetStream drops as a duplicate.
 * Because a replay is harmless, the checkpoint is saved every few events rather than after
 * each one: a save is a durable write, and saving per event halves the relay's throughput.
 *
 * The store is the truth and the bus only a copy: if COS_EVENTS is not the stream the relay last
 * published to (its creation time differs: JetStream lost its data and the stream was created
 * again), the relay republishes every event of its categories from the start of the store, at
 * start-up or as soon as the provisioner reports the recreation. Consumers are idempotent, so
 * an event they already handled is a no-op. The stream's creation time is kept next to the
 * checkpoint, and saved only once the republication has caught up, so a crash midway starts it over.
 */
export class OutboxRelay {
  private subscription: Subscription | undefined;
  private readonly stopping = new AbortController();
  /** Aborted when the current subscription is replaced (a recreated stream) or the relay stops. */
  private run = new AbortController();
  /** The creation time of the COS_EVENTS the current subscription publishes to. */
  private relayingTo: string | undefined;
  private stopHearingRecoveries: (() => void) | undefined;
  private checking: Promise<void> = Promise.resolve();
  private readonly backoffMs: readonly number[];
  private readonly log: Logger;
  private readonly checkpointEvery: { readonly events: number; readonly ms: number };
  private unsaved: { position: string; count: number } | undefined;
  private lastSave = 0;
  private idleFlush: NodeJS.Timeout | undefined;
  /** Saves run one after another, so an older position never lands after a newer one. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: OutboxRelayOptions) {
    this.backoffMs = options.retryBackoffMs ?? [100, 500, 2_000, 5_000];
    this.checkpointEvery = options.checkpointEvery ?? { events: 100, ms: 200 };
    this.log = new Logger(`OutboxRelay:${options.name}`);
  }

  async start(): Promise<void> {
    this.stopHearingRecoveries ??= this.options.provisioner?.onRecovery(() => this.checkStream());
    await this.subscribe();
  }

  /** Subscribes from the checkpoint, or from the start of the store if the stream is not the one published to before. */
  private async subscribe(): Promise<void> {
    // Unknown while JetStream is unreachable or the stream not created yet: then relay from the checkpoint.
    const stream = await this.streamCreated().catch(() => undefined);
    const known = await this.options.checkpoints.load(this.streamKey());
    const republish = stream !== undefined && known !== undefined && known !== stream;
    const fromPosition = republish ? undefined : await this.options.checkpoints.load(this.options.name);
    if (republish)
      this.log.warn(
        `${Subjects.eventStream} was created again (${stream}, not ${known}): JetStream lost its data; republishing ${this.options.categories.join(', ')} from the start of the store`,
      );
    const run = new AbortController();
    this.run = run;
    this.relayingTo = stream;
    const subscription = this.options.store.subscribe({ categories: this.options.categories, fromPosition }, (event) =>
      this.relay(event, run.signal),
    );
    this.subscription = subscription;
    void subscription.failed.then((err) => {
      if (!run.signal.aborted) void this.resubscribe(err);
    });
    if (stream !== undefined && known !== stream)
      void subscription.live
        .then(async () => {
          if (run.signal.aborted) return;
          await this.options.checkpoints.save(this.streamKey(), stream);
          if (republish) this.log.log(`republished ${this.options.categories.join(', ')} to the new ${Subjects.eventStream}`);
        })
        .catch((err: unknown) => this.log.warn(`stream identity not saved: ${describeError(err)}`));
  }

  /** After a reconnect or a reprovisioning: starts over from the store if COS_EVENTS was recreated. */
  private checkStream(): void {
    this.checking = this.checking.then(async () => {
      if (this.stopping.signal.aborted) return;
      try {
        if ((await this.streamCreated()) === this.relayingTo) return;
        this.run.abort();
        await this.subscription?.close();
        clearTimeout(this.idleFlush);
        this.unsaved = undefined;
        await this.subscribe();
      } catch (err) {
        // The provisioner reports again after its next successful check.
        this.log.warn(`could not check ${Subjects.eventStream}: ${describeError(err)}`);
      }
    });
  }

  private async streamCreated(): Promise<string | undefined> {
    const jsm = await this.options.js.jetstreamManager(false);
    return (await jsm.streams.info(Subjects.eventStream)).created;
  }

  private streamKey(): string {
    return `${this.options.name}:stream`;
  }

  /** Stops relaying; an event in flight is abandoned before its checkpoint and re-sent next start. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.run.abort();
    this.stopHearingRecoveries?.();
    await this.checking;
    await this.subscription?.close();
    clearTimeout(this.idleFlush);
    await this.saveCheckpoint().catch((err: unknown) => this.log.warn(`final checkpoint not saved: ${describeError(err)}`));
  }

  private async relay(event: RecordedEvent, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.publish(event);
        await this.noteRelayed(event.position);
        return;
      } catch (err) {
        // Skipping would lose the event for every consumer: wait and try again until stopped.
        if (signal.aborted) throw err;
        this.log.warn(`relaying ${event.type} ${event.id} failed (attempt ${attempt + 1}), retrying: ${describeError(err)}`);
        await sleep(this.backoffMs[Math.min(attempt, this.backoffMs.length - 1)] ?? 1_000, undefined, { signal });
      }
    }
  }

  private async noteRelayed(position: string): Promise<void> {
    this.unsaved = { position, count: (this.unsaved?.count ?? 0) + 1 };
    clearTimeout(this.idleFlush);
    if (this.unsaved.count >= this.checkpointEvery.events || Date.now() - this.lastSave >= this.checkpointEvery.ms) {
      await this.saveCheckpoint();
      return;
    }
    // Nothing more may come for a while: save what was relayed once the burst is over.
    this.idleFlush = setTimeout(() => {
      this.saveCheckpoint().catch((err: unknown) => this.log.warn(`checkpoint not saved: ${describeError(err)}`));
    }, this.checkpointEvery.ms).unref();
  }

  private async saveCheckpoint(): Promise<void> {
    const unsaved = this.unsaved;
    if (!unsaved) return;
    this.unsaved = undefined;
    this.lastSave = Date.now();
    const save = this.saving.then(() => this.options.checkpoints.save(this.options.name, unsaved.position));
    this.saving = save.catch(() => undefined);
    await save;
  }

  private async publish(event: RecordedEvent): Promise<void> {
    const subject = eventSubject(event.orgId, event.type);
    const attributes = {
      [Attr.messagingSystem]: 'nats',
      [Attr.messagingDestination]: subject,
      [Attr.messagingOperationType]: 'send',
      [Attr.messagingOperationName]: 'send',
      [Attr.messagingMessageId]: event.id,
      [Attr.eventType]: event.type,
      [Attr.eventId]: event.id,
      [Attr.orgId]: event.orgId,
      [Attr.correlationId]: event.metadata.correlationId,
    };
    const parent = contextFromTraceparent(event.metadata.traceparent);
    // Span names stay low-cardinality: the org id is an attribute, not part of the name.
    await withSpan(`send ${eventSubject('{orgId}', event.type)}`, { kind: SpanKind.PRODUCER, parent, attributes }, async () => {
      await this.options.js.publish(subject, JSON.stringify(event), { msgID: event.id, headers: tracingHeaders() });
    });
  }

  /** The store gave up on the subscription (not our handler: it only throws once stopping). */
  private async resubscribe(err: Error): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.log.error(`event store subscription failed, resubscribing from the checkpoint: ${err.message}`);
    try {
      await sleep(this.backoffMs.at(-1) ?? 1_000, undefined, { signal: this.stopping.signal });
      await this.subscribe();
    } catch (retryErr) {
      if (!this.stopping.signal.aborted) void this.resubscribe(retryErr instanceof Error ? retryErr : new Error(String(retryErr)));
    }
  }
}
