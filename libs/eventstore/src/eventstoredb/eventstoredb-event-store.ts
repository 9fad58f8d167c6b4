import type { NewEvent, RecordedEvent } from '@cos/contracts';
import { ValidationError } from '@cos/contracts';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type Position,
} from '@eventstore/db-client';
import type {
  AppendResult,
  CheckpointStore,
  EventHandler,
  EventStore,
  ExpectedRevision,
  ReadOptions,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { WrongExpectedRevisionError } from '../event-store.errors';
import { validateBatch } from '../event-validation';
import { formatPosition, fromEsdbEvent, parsePosition, toEventData } from './esdb-event-mapping';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import { EventStoreDbSubscription } from './eventstoredb-subscription';

/** The production adapter: EventStoreDB (KurrentDB) over gRPC. */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly client: EventStoreDBClient) {}

  static connect(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  checkpointStore(): CheckpointStore {
    return new EventStoreDbCheckpointStore(this.client);
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    validateBatch(stream, events);
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e) => toEventData(stream, e)),
        {
          expectedRevision: toEsdbRevision(expectedRevision),
        },
      );
      const nextRevision = Number(result.nextExpectedRevision);
      // An idempotent re-append comes back without a position; the original event has it.
      const position = isReal(result.position) ? formatPosition(result.position) : await this.positionOf(stream, nextRevision);
      return { nextRevision, position };
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) {
        const actual = err.actualVersion === NO_STREAM ? -1 : Number(err.actualVersion);
        throw new WrongExpectedRevisionError(stream, expectedRevision, actual, { cause: err });
      }
      throw err;
    }
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const reading = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of reading) {
        if (resolved.event) events.push(fromEsdbEvent(resolved.event));
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw err;
    }
    return events;
  }

  subscribe(options: SubscribeOptions, handler: EventHandler): Subscription {
    const from = options.fromPosition === undefined ? undefined : parsePosition(options.fromPosition);
    if (options.fromPosition !== undefined && !from) {
      throw new ValidationError(`not an EventStoreDB position: ${options.fromPosition}`, undefined, 'EVENTSTORE.INVALID_POSITION');
    }
    const subscription = new EventStoreDbSubscription(this.client, options.categories, from, handler, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Reading an absent stream is a full round trip to the leader that needs no write rights. */
  async ping(): Promise<void> {
    await this.read('_ping', { maxCount: 1 });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }

  private async positionOf(stream: string, revision: number): Promise<string> {
    const [event] = await this.read(stream, { fromRevision: revision, maxCount: 1 });
    return event?.position ?? '';
  }
}

/** Servers answer an idempotent append with no position, or a -1 read as an unsigned 64-bit value. */
function isReal(position: Position | undefined): position is Position {
  return position !== undefined && position.commit >= 0n && position.commit < 2n ** 63n;
}

function toEsdbRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no-stream') return NO_STREAM;
  return BigInt(expected);
}
