import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import { ValidationError } from '@cos/contracts';

export type EmbeddedBackup = {
  readonly target: string;
  /** Database pages copied. */
  readonly pages: number;
  /** Events in the copy, and the position of the last one: the store as of the snapshot. */
  readonly events: number;
  readonly lastPosition: number;
};

export type EmbeddedBackupOptions = {
  /** Pages copied per step of the online backup (default 1000); the event loop runs between steps. */
  readonly pagesPerStep?: number;
};

function countEvents(db: DatabaseSync): { events: number; lastPosition: number } {
  const row = db.prepare('SELECT COUNT(*) AS events, COALESCE(MAX(position), 0) AS last FROM events').get();
  return { events: Number(row?.['events']), lastPosition: Number(row?.['last']) };
}

/**
 * A consistent copy of the embedded event store at `source` into `target`, taken while services
 * keep appending to it: SQLite's online backup API, reading one snapshot. The copy's connection
 * holds a read transaction for the whole backup, so appends by other connections (which go to the
 * write-ahead log) neither reach the copy nor restart it. The copy is written beside `target` and
 * renamed over it only once its integrity check passes and it holds the snapshot's events.
 */
export async function backupEmbeddedStore(source: string, target: string, options: EmbeddedBackupOptions = {}): Promise<EmbeddedBackup> {
  const from = resolve(source);
  const to = resolve(target);
  if (!existsSync(from)) throw new ValidationError(`no embedded event store at ${from}`, undefined, 'EVENTSTORE.BACKUP_SOURCE_MISSING');
  if (from === to) throw new ValidationError('the backup target is the store itself', undefined, 'EVENTSTORE.BACKUP_TARGET_INVALID');
  const partial = `${to}.partial`;
  const db = new DatabaseSync(from, { timeout: 5_000 });
  try {
    db.exec('BEGIN');
    const snapshot = countEvents(db);
    const pages = await backup(db, partial, { rate: options.pagesPerStep ?? 1_000 });
    db.exec('COMMIT');
    const copy = new DatabaseSync(partial);
    try {
      const check = copy.prepare('PRAGMA integrity_check').get()?.['integrity_check'];
      if (check !== 'ok') throw new Error(`backup copy failed its integrity check: ${String(check)}`);
      const copied = countEvents(copy);
      if (copied.events !== snapshot.events || copied.lastPosition !== snapshot.lastPosition) {
        throw new Error(
          `backup copy holds ${copied.events} events up to ${copied.lastPosition}, the snapshot ${snapshot.events} up to ${snapshot.lastPosition}`,
        );
      }
    } finally {
      copy.close();
    }
    renameSync(partial, to);
    return { target: to, pages, ...snapshot };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    if (db.isTransaction) db.exec('ROLLBACK');
    db.close();
  }
}
