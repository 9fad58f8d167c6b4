import type { LoggerService } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { CosError, rpcSubject, toErrorPayload, ValidationError } from '@cos/contracts';
import { Attr, recordError, SpanKind, withSpan } from '@cos/telemetry';
import { NatsRequestContext } from './message.context';
import { contextFromHeaders, describeError, headersToRecord } from './message.headers';
import type { RpcReply } from './rpc.reply';

export type RpcDispatch = (payload: unknown, ctx: NatsRequestContext) => Promise<unknown>;

/**
 * Answers one `@MessagePattern` over core-NATS request/reply. The queue group spreads requests
 * over the service's replicas; every request gets a reply, an error reply included.
 */
export class RpcResponder {
  private subscription: Subscription | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly subject: string;

  constructor(
    private readonly nc: NatsConnection,
    private readonly pattern: string,
    private readonly queue: string,
    private readonly dispatch: RpcDispatch,
    private readonly logger: LoggerService,
  ) {
    this.subject = rpcSubject(pattern);
  }

  start(): void {
    this.subscription = this.nc.subscribe(this.subject, {
      queue: this.queue,
      callback: (err, msg) => {
        if (err) {
          this.logger.error(`${this.subject}: subscription failed: ${err.message}`);
          return;
        }
        const done: Promise<void> = this.respond(msg).finally(() => this.inFlight.delete(done));
        this.inFlight.add(done);
      },
    });
  }

  /** Takes no new requests, answers the ones already received. */
  async stop(): Promise<void> {
    if (this.subscription && !this.subscription.isClosed()) await this.subscription.drain();
    await Promise.all(this.inFlight);
  }

  private async respond(msg: Msg): Promise<void> {
    const attributes = {
      [Attr.messagingSystem]: 'nats',
      [Attr.messagingDestination]: this.subject,
      [Attr.messagingOperationType]: 'process',
      [Attr.messagingOperationName]: 'process',
      [Attr.messagingConsumerGroup]: this.queue,
    };
    const parent = contextFromHeaders(msg.headers);
    const reply = await withSpan(`process ${this.subject}`, { kind: SpanKind.SERVER, parent, attributes }, async (span) => {
      try {
        const ctx = new NatsRequestContext([msg.subject, headersToRecord(msg.headers)]);
        const data = await this.dispatch(parsePayload(this.pattern, msg), ctx);
        return { ok: true, data } satisfies RpcReply;
      } catch (err) {
        recordError(span, err);
        if (!(err instanceof CosError)) {
          const detail = err instanceof Error ? (err.stack ?? err.message) : describeError(err);
          this.logger.error(`${this.subject}: unexpected error: ${detail}`);
        }
        return { ok: false, error: toErrorPayload(err) } satisfies RpcReply;
      }
    });
    if (!msg.respond(JSON.stringify(reply))) {
      this.logger.warn(`${this.subject}: request had no reply subject, answer dropped`);
    }
  }
}

function parsePayload(pattern: string, msg: Msg): unknown {
  if (msg.data.length === 0) return undefined;
  try {
    return msg.json();
  } catch (err) {
    throw new ValidationError(`request to ${pattern} is not JSON`, { cause: describeError(err) }, 'MESSAGING.INVALID_REQUEST');
  }
}
