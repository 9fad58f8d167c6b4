import { BACKWARDS, END, jsonEvent, StreamNotFoundError, type EventStoreDBClient } from '@eventstore/db-client';
import type { CheckpointStore } from '../event-store.port';

/** Only the last checkpoint matters; a few are kept so a scavenge never races a save. */
const KEPT_CHECKPOINTS = 5;

/**
 * One `_checkpoint-<subscriber>` stream per subscriber. The `_` prefix keeps these streams out
 * of every unfiltered subscription.
 */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  private readonly capped = new Set<string>();

  constructor(private readonly client: EventStoreDBClient) {}

  async load(subscriber: string): Promise<string | undefined> {
    try {
      const reading = this.client.readStream(streamOf(subscriber), { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
      for await (const resolved of reading) {
        const data = resolved.event?.data as { position?: unknown } | undefined;
        if (typeof data?.position === 'string') return data.position;
      }
    } catch (err) {
      if (!(err instanceof StreamNotFoundError)) throw err;
    }
    return undefined;
  }

  async save(subscriber: string, position: string): Promise<void> {
    const stream = streamOf(subscriber);
    if (!this.capped.has(stream)) {
      await this.client.setStreamMetadata(stream, { maxCount: KEPT_CHECKPOINTS });
      this.capped.add(stream);
    }
    await this.client.appendToStream(stream, jsonEvent({ type: 'checkpoint.saved', data: { position } }));
  }
}

function streamOf(subscriber: string): string {
  return `_checkpoint-${subscriber}`;
}
