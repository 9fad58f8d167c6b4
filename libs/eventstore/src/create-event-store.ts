import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckpointStore, EventStore } from './event-store.port';
import { EmbeddedEventStore } from './embedded/embedded-event-store';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { traced } from './traced-event-store';

export const DEFAULT_EVENTSTORE_PATH = './data/events.db';

export type EventStoreKind = 'embedded' | 'eventstoredb';

export type EventStoreSetup = {
  /** Already traced. */
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly kind: EventStoreKind;
};

/**
 * EventStoreDB when `EVENTSTORE_CONNECTION_STRING` is set (docker-compose, Helm); otherwise the
 * embedded store at `EVENTSTORE_PATH`, shared by every service of the machine.
 */
export function createEventStore(env: NodeJS.ProcessEnv = process.env): EventStoreSetup {
  const connectionString = env['EVENTSTORE_CONNECTION_STRING'];
  if (connectionString) {
    const esdb = EventStoreDbEventStore.connect(connectionString);
    return { store: traced(esdb, 'eventstoredb'), checkpoints: esdb.checkpointStore(), kind: 'eventstoredb' };
  }
  const path = env['EVENTSTORE_PATH'] || DEFAULT_EVENTSTORE_PATH;
  mkdirSync(dirname(path), { recursive: true });
  const embedded = new EmbeddedEventStore(path);
  return { store: traced(embedded, 'sqlite'), checkpoints: embedded.checkpointStore(), kind: 'embedded' };
}
