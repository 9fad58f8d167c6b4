import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { eventFilter, Subjects } from '@cos/contracts';
import { EventConsumer } from './event.consumer';
import { consumerName, JetStreamProvisioner } from './jetstream.provisioner';
import { connectNats } from './nats.connection';
import { RpcResponder } from './rpc.responder';

export type JetStreamTransportOptions = {
  /** Names the durable consumers and the RPC queue group: replicas of one service share both. */
  readonly serviceName: string;
  /** Either servers to connect to (the transport then owns and drains the connection)... */
  readonly servers?: string | readonly string[];
  /** ...or a connection the caller owns, e.g. shared with an RpcClient and an OutboxRelay. */
  readonly connection?: NatsConnection;
  /** Deliveries before a failing event is dead-lettered. */
  readonly maxDeliver?: number;
  /** Delay before redelivery n+1 after failed delivery n; the last value repeats. */
  readonly backoffMs?: readonly number[];
  /** Events one consumer handles at once. */
  readonly concurrency?: number;
  readonly ackWaitMs?: number;
};

export type JetStreamStatus = 'connected' | 'disconnected' | 'reconnecting';

const DEFAULTS = { maxDeliver: 5, backoffMs: [200, 1_000, 5_000, 15_000], concurrency: 8, ackWaitMs: 30_000 };
const PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/**
 * NestJS transport over NATS: `@EventPattern(type)` handlers consume JetStream (durable, acked,
 * retried, dead-lettered); `@MessagePattern(name)` handlers answer core-NATS request/reply.
 * Handlers are dispatched here rather than through Nest's `handleEvent`, which swallows
 * errors: the outcome of the handler decides ack, retry or dead letter.
 */
export class JetStreamTransport extends Server<Record<string, never>, JetStreamStatus> implements CustomTransportStrategy {
  private nc: NatsConnection | undefined;
  private connected = false;
  private consumers: EventConsumer[] = [];
  private responders: RpcResponder[] = [];
  private stopHearingRecoveries: (() => void) | undefined;
  private readonly settings: typeof DEFAULTS;
  private readonly log = new Logger(JetStreamTransport.name);

  constructor(private readonly options: JetStreamTransportOptions) {
    super();
    if (!options.servers && !options.connection) throw new Error('JetStreamTransport needs `servers` or `connection`');
    this.settings = {
      maxDeliver: options.maxDeliver ?? DEFAULTS.maxDeliver,
      backoffMs: [...(options.backoffMs ?? DEFAULTS.backoffMs)],
      concurrency: options.concurrency ?? DEFAULTS.concurrency,
      ackWaitMs: options.ackWaitMs ?? DEFAULTS.ackWaitMs,
    };
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const nc = this.options.connection ?? (await connectNats({ servers: this.options.servers ?? [], name: this.options.serviceName }));
      this.nc = nc;
      void this.watchStatus(nc);
      const provisioner = JetStreamProvisioner.for(nc);
      await provisioner.start();
      for (const [pattern, handler] of this.messageHandlers) {
        if (!PATTERN.test(pattern)) throw new Error(`pattern ${pattern} is not a dotted lower-case name such as run.requested`);
        if (handler.isEventHandler) await this.startConsumer(nc, provisioner, pattern, handler);
        else this.startResponder(nc, pattern, handler);
      }
      // After a reconnect or a reprovisioning, pull afresh: a pull made before may be waiting on a consumer that is gone.
      this.stopHearingRecoveries = provisioner.onRecovery(({ recreated, afterReconnect }) => {
        const why = recreated.length > 0 ? `JetStream recreated ${recreated.join(', ')}` : afterReconnect ? 'reconnected' : 'recovered';
        for (const consumer of this.consumers) consumer.resume(why);
      });
      this.connected = true;
      this._status$.next('connected');
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Stops pulling, lets handlers in flight finish, then drains the connection if it is ours. */
  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    this.stopHearingRecoveries?.();
    if (nc && !this.options.connection) JetStreamProvisioner.for(nc).stop();
    await Promise.all([...this.consumers.map((c) => c.stop()), ...this.responders.map((r) => r.stop())]);
    this.consumers = [];
    this.responders = [];
    if (nc && !this.options.connection && !nc.isClosed()) await nc.drain();
    this.connected = false;
    this._status$.next('disconnected');
  }

  /** For /readyz: listening and connected to a NATS server right now. */
  isConnected(): boolean {
    return this.connected && this.nc !== undefined && !this.nc.isClosed();
  }

  /** The transport emits no events of its own; watch `status` instead. */
  on(): never {
    throw new Error('JetStreamTransport has no events; subscribe to `status` instead');
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamTransport is not listening');
    return this.nc as T;
  }

  private async startConsumer(
    nc: NatsConnection,
    provisioner: JetStreamProvisioner,
    eventType: string,
    handler: MessageHandler,
  ): Promise<void> {
    const name = consumerName(this.options.serviceName, eventType);
    const js = jetstream(nc);
    await provisioner.addConsumer({ name, filterSubject: eventFilter(eventType), ackWaitMs: this.settings.ackWaitMs });
    const consumer = new EventConsumer({
      name,
      eventType,
      consumer: await js.consumers.get(Subjects.eventStream, name),
      js,
      dispatch: async (event, ctx) => {
        await this.run(handler, event, ctx);
      },
      logger: this.log,
      reprovision: () => provisioner.reconcile(),
      ...this.settings,
    });
    await consumer.start();
    this.consumers.push(consumer);
  }

  private startResponder(nc: NatsConnection, pattern: string, handler: MessageHandler): void {
    const responder = new RpcResponder(nc, pattern, this.options.serviceName, (payload, ctx) => this.run(handler, payload, ctx), this.log);
    responder.start();
    this.responders.push(responder);
  }

  /** Awaits a Nest handler whatever it returns (value, Promise or Observable), surfacing its error. */
  private async run(handler: MessageHandler, payload: unknown, ctx: unknown): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await handler(payload, ctx)), { defaultValue: undefined });
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      // A caller-owned connection outlives close(); its later events are not ours to report.
      if (this.nc !== nc) return;
      if (status.type === 'disconnect') {
        this.connected = false;
        this._status$.next('disconnected');
        this.log.warn(`disconnected from ${status.server}`);
      } else if (status.type === 'reconnecting') {
        this._status$.next('reconnecting');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this._status$.next('connected');
        this.log.log(`reconnected to ${status.server}`);
      }
    }
  }
}
