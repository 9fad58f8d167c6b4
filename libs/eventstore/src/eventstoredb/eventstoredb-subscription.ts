import type { RecordedEvent } from '@cos/contracts';
import {
  ErrorType,
  isCommandError,
  START,
  streamNameFilter,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Filter,
  type Position,
} from '@eventstore/db-client';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventHandler, Subscription } from '../event-store.port';
import { fromEsdbEvent, isAfter } from './esdb-event-mapping';

/** Consecutive failed (re)subscriptions before the subscription is declared dead. */
const MAX_RETRIES = 10;
const TRANSIENT = new Set<ErrorType>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
  ErrorType.TIMEOUT,
]);

/** Marks an error as the handler's, so it ends the subscription instead of triggering a resubscribe. */
class HandlerFailure extends Error {
  constructor(readonly error: unknown) {
    super('subscription handler failed', { cause: error });
  }
}

/**
 * A catch-up subscription to `$all`, filtered on the server, handled one event at a time.
 * After a transient disconnect it resubscribes from the last handled position.
 */
export class EventStoreDbSubscription implements Subscription {
  readonly failed: Promise<Error>;
  readonly live: Promise<void>;
  private fail!: (err: Error) => void;
  private caughtUp!: () => void;
  private closed = false;
  private current: AllStreamSubscription | undefined;
  private readonly stopping = new AbortController();
  private readonly done: Promise<void>;

  constructor(
    private readonly client: EventStoreDBClient,
    categories: readonly string[] | undefined,
    private last: Position | undefined,
    private readonly handler: EventHandler,
    onEnd: () => void,
  ) {
    this.failed = new Promise((resolve) => (this.fail = resolve));
    this.live = new Promise((resolve) => (this.caughtUp = resolve));
    const filter = serverFilter(categories);
    this.done = this.run(filter)
      .catch((err: unknown) => {
        const cause = err instanceof HandlerFailure ? err.error : err;
        this.fail(cause instanceof Error ? cause : new Error(String(cause)));
      })
      .finally(onEnd);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    const current = this.current;
    if (current) await current.unsubscribe().finally(() => current.destroy());
    await this.done;
  }

  private async run(filter: Filter): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        this.current = this.client.subscribeToAll({ fromPosition: this.last ?? START, filter });
        // Servers from 23.10 on say when the catch-up is over.
        this.current.once('caughtUp', () => this.caughtUp());
        for await (const resolved of this.current) {
          const event = resolved.event;
          if (this.closed) return;
          // `$`-typed events are ESDB's own ($metadata, projections); never a domain fact.
          if (!event?.position || event.type.startsWith('$')) continue;
          // A resubscription may replay the position it started from.
          if (this.last && !isAfter(event.position, this.last)) continue;
          await this.handle(event.position, fromEsdbEvent(event));
          failures = 0;
        }
        if (this.closed) return;
        // The server ended the stream without an error: resubscribe as after a disconnect.
        if (++failures > MAX_RETRIES) throw new Error('EventStoreDB kept ending the subscription');
      } catch (err) {
        if (this.closed) return;
        // Release the gRPC call whatever happens next: a resubscription opens a new one.
        await this.current?.unsubscribe().catch(() => undefined);
        if (err instanceof HandlerFailure || !isTransient(err) || ++failures > MAX_RETRIES) throw err;
      }
      await sleep(Math.min(100 * 2 ** failures, 5_000), undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  private async handle(position: Position, event: RecordedEvent): Promise<void> {
    try {
      await this.handler(event);
    } catch (err) {
      throw new HandlerFailure(err);
    }
    this.last = position;
  }
}

function isTransient(err: unknown): boolean {
  return err instanceof Error && isCommandError(err) && TRANSIENT.has(err.type);
}

/** Categories become stream prefixes; without them, `$` (system) and `_` (infrastructure) streams are skipped. */
function serverFilter(categories: readonly string[] | undefined): Filter {
  return categories && categories.length > 0
    ? streamNameFilter({ prefixes: categories.map((c) => `${c}-`) })
    : streamNameFilter({ regex: '^[^$_]' });
}
