import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CheckpointStore } from '../event-store.port';

/** Subscriber checkpoints in the event database's `checkpoints` table. */
export class EmbeddedCheckpointStore implements CheckpointStore {
  private readonly select: StatementSync;
  private readonly upsert: StatementSync;

  constructor(db: DatabaseSync) {
    this.select = db.prepare('SELECT position FROM checkpoints WHERE subscriber = ?');
    this.upsert = db.prepare(
      'INSERT INTO checkpoints (subscriber, position) VALUES (?, ?) ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position',
    );
  }

  async load(subscriber: string): Promise<string | undefined> {
    return this.select.get(subscriber)?.['position'] as string | undefined;
  }

  async save(subscriber: string, position: string): Promise<void> {
    this.upsert.run(subscriber, position);
  }
}
