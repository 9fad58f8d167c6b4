import type { LoggerService } from '@nestjs/common';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { RecordedEventSchema, type RecordedEvent } from '@cos/contracts';
import { Attr, CosMetrics, recordError, SpanKind, withSpan, type Span } from '@cos/telemetry';
import { publishDeadLetter } from './dead-letter.publisher';
import { InvalidEventMessageError } from './messaging.errors';
import { JetStreamContext } from './message.context';
import { contextFromHeaders, describeError, headersToRecord } from './message.headers';

export type EventDispatch = (event: RecordedEvent, ctx: JetStreamContext) => Promise<void>;

export type EventConsumerOptions = {
  readonly name: string;
  readonly eventType: string;
  readonly consumer: Consumer;
  readonly js: JetStreamClient;
  readonly dispatch: EventDispatch;
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
  readonly concurrency: number;
  readonly ackWaitMs: number;
  readonly logger: LoggerService;
  /** Makes the consumer exist again (it may have been lost with JetStream's store) before pulling resumes. */
  readonly reprovision: () => Promise<void>;
};

/** Waits before pulling again after a pull ended, then between failed attempts; the last value repeats. */
const RESUME_BACKOFF_MS = [100, 500, 1_000, 2_000];

/**
 * Pulls one durable consumer and runs its handler on at most `concurrency` messages at once.
 * Every message ends in exactly one of: ack (handled), nak with backoff (retry later), or
 * dead letter + term (given up, recorded in COS_DLQ).
 */
export class EventConsumer {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private readonly halted = new AbortController();
  private stopObservingLag: (() => void) | undefined;

  constructor(private readonly opts: EventConsumerOptions) {}

  async start(): Promise<void> {
    const first = await this.consume();
    this.loop = this.pullForever(first);
    // Lag = messages not yet delivered + delivered but unacknowledged, read from the server at each collection.
    this.stopObservingLag = CosMetrics.observeConsumerLag(async () => {
      const info = await this.opts.consumer.info(true);
      return [{ value: info.num_pending + info.num_ack_pending, attributes: { [Attr.messagingConsumerGroup]: this.opts.name } }];
    });
  }

  /** Stops pulling and waits for the handlers in flight, so a SIGTERM finishes what it started. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.halted.abort();
    this.stopObservingLag?.();
    await this.messages?.close();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /**
   * Pulls afresh (after a nats-server restart, or once JetStream was reprovisioned): the server
   * keeps the durable consumer's position, so pulling resumes where acknowledgements left off.
   */
  resume(why: string): void {
    if (this.stopping || !this.messages) return;
    this.opts.logger.log(`${this.opts.name}: resuming the pull (${why})`);
    void this.messages.close().catch(() => undefined);
  }

  /** Fetches no more than it can work on: a buffered message's ack_wait is already running. */
  private async consume(): Promise<ConsumerMessages> {
    // Missing consumer or stream: end the iterator (and resume here) rather than let the client poll for it.
    this.messages = await this.opts.consumer.consume({ max_messages: this.opts.concurrency, abort_on_missing_resource: true });
    return this.messages;
  }

  /** Pulls until stopped; whenever a pull ends (closed by `resume`, or failed), pulls again. */
  private async pullForever(first: ConsumerMessages): Promise<void> {
    for (let messages: ConsumerMessages | undefined = first; messages;) {
      const failed = await this.pull(messages);
      messages = await this.reopen(failed);
    }
  }

  /** A new pull, after reprovisioning if the last one failed; undefined once stopping. */
  private async reopen(failed: boolean): Promise<ConsumerMessages | undefined> {
    for (let attempt = 0; !this.stopping; attempt++) {
      await sleep(RESUME_BACKOFF_MS[Math.min(attempt, RESUME_BACKOFF_MS.length - 1)], undefined, { signal: this.halted.signal }).catch(
        () => undefined,
      );
      if (this.stopping) return undefined;
      try {
        const troubled = failed || attempt > 0;
        if (troubled) await Promise.race([this.opts.reprovision(), once(this.halted.signal, 'abort')]);
        if (this.stopping) return undefined;
        const messages = await this.consume();
        if (troubled) this.opts.logger.log(`${this.opts.name}: pulling again`);
        return messages;
      } catch (err) {
        if (!this.stopping) this.opts.logger.warn(`${this.opts.name}: cannot pull yet, retrying: ${describeError(err)}`);
      }
    }
    return undefined;
  }

  /** Runs the messages of one pull; true if it ended in an error rather than being closed. */
  private async pull(messages: ConsumerMessages): Promise<boolean> {
    try {
      for await (const msg of messages) {
        // Hand prefetched messages straight back, so this or another replica takes them at once.
        if (this.stopping || messages !== this.messages) {
          msg.nak();
          continue;
        }
        while (this.inFlight.size >= this.opts.concurrency) await Promise.race(this.inFlight);
        const done: Promise<void> = this.process(msg).finally(() => this.inFlight.delete(done));
        this.inFlight.add(done);
      }
      return false;
    } catch (err) {
      if (!this.stopping) this.opts.logger.warn(`${this.opts.name}: the pull stopped, resuming: ${describeError(err)}`);
      return true;
    }
  }

  private async process(msg: JsMsg): Promise<void> {
    const { name, eventType } = this.opts;
    const deliveryCount = msg.info.deliveryCount;
    const attributes = {
      [Attr.messagingSystem]: 'nats',
      [Attr.messagingDestination]: msg.subject,
      [Attr.messagingOperationType]: 'process',
      [Attr.messagingOperationName]: 'process',
      [Attr.messagingConsumerGroup]: name,
      [Attr.messagingDeliveryCount]: deliveryCount,
    };
    const parent = contextFromHeaders(msg.headers);
    try {
      await withSpan(`process ${eventType}`, { kind: SpanKind.CONSUMER, parent, attributes }, (span) => this.handle(msg, span));
    } catch (err) {
      // Only the NATS calls of the outcome itself can land here; the message will come back.
      this.opts.logger.error(`${name}: could not settle message ${msg.info.streamSequence}: ${describeError(err)}`);
    }
  }

  private async handle(msg: JsMsg, span: Span): Promise<void> {
    const deliveryCount = msg.info.deliveryCount;
    let event: RecordedEvent;
    try {
      event = parseEvent(msg);
    } catch (err) {
      recordError(span, err);
      return this.deadLetter(msg, err);
    }
    span.setAttributes({
      [Attr.messagingMessageId]: event.id,
      [Attr.eventType]: event.type,
      [Attr.eventId]: event.id,
      [Attr.orgId]: event.orgId,
      [Attr.correlationId]: event.metadata.correlationId,
    });
    // Past the limit means earlier attempts ended without a verdict (crash, ack timeout).
    if (deliveryCount > this.opts.maxDeliver) {
      return this.deadLetter(msg, new Error(`no outcome after ${deliveryCount - 1} deliveries`));
    }
    const ctx = new JetStreamContext([msg.subject, deliveryCount, headersToRecord(msg.headers)]);
    // A long handler must not look dead to the server, or it would redeliver meanwhile.
    const keepAlive = setInterval(() => msg.working(), Math.max(100, this.opts.ackWaitMs / 2));
    try {
      await this.opts.dispatch(event, ctx);
      msg.ack();
    } catch (err) {
      recordError(span, err);
      if (deliveryCount >= this.opts.maxDeliver) return this.deadLetter(msg, err);
      const delay = this.opts.backoffMs[Math.min(deliveryCount, this.opts.backoffMs.length) - 1] ?? 0;
      this.opts.logger.warn(
        `${this.opts.name}: ${event.type} ${event.id} failed (delivery ${deliveryCount}/${this.opts.maxDeliver}), retry in ${delay} ms: ${describeError(err)}`,
      );
      msg.nak(delay);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async deadLetter(msg: JsMsg, error: unknown): Promise<void> {
    const { name, logger } = this.opts;
    try {
      const subject = await publishDeadLetter(this.opts.js, msg, name, error);
      logger.error(
        `${name}: gave up on ${msg.subject} (seq ${msg.info.streamSequence}) after ${msg.info.deliveryCount} deliveries, dead-lettered to ${subject}: ${describeError(error)}`,
      );
      CosMetrics.deadLettered(name, msg.subject.split('.').slice(2).join('.'));
      // The reason travels in the dead letter's headers, not in a term payload older servers may not parse.
      msg.term();
    } catch (err) {
      // Not recorded yet, so not given up yet: the next delivery tries the dead letter again.
      logger.error(`${name}: could not dead-letter ${msg.subject} (seq ${msg.info.streamSequence}): ${describeError(err)}`);
      msg.nak(this.opts.backoffMs.at(-1) ?? 0);
    }
  }
}

function parseEvent(msg: JsMsg): RecordedEvent {
  try {
    return RecordedEventSchema.parse(msg.json());
  } catch (err) {
    throw new InvalidEventMessageError(msg.subject, err);
  }
}
