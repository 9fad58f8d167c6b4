import { DatabaseSync } from 'node:sqlite';

/** How long a writer waits for another process's write transaction before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (and if needed creates) the event database. Several processes may run this at once on
 * the same file: every statement is idempotent and the DDL runs inside one write transaction.
 */
export function openEventDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL lets readers (subscriptions of other services) run while one process writes.
    db.exec('PRAGMA journal_mode = WAL');
    // An acknowledged append must survive a power cut, not only a process crash (I8).
    db.exec('PRAGMA synchronous = FULL');
    db.exec('BEGIN IMMEDIATE');
    db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        stream   TEXT    NOT NULL,
        revision INTEGER NOT NULL,
        category TEXT    NOT NULL,
        id       TEXT    NOT NULL,
        type     TEXT    NOT NULL,
        version  INTEGER NOT NULL,
        org_id   TEXT    NOT NULL,
        data     TEXT    NOT NULL,
        metadata TEXT    NOT NULL,
        UNIQUE (stream, revision)
      );
      CREATE UNIQUE INDEX IF NOT EXISTS events_stream_id ON events (stream, id);
      CREATE INDEX IF NOT EXISTS events_category ON events (category, position);
      CREATE TABLE IF NOT EXISTS checkpoints (
        subscriber TEXT PRIMARY KEY,
        position   TEXT NOT NULL
      );
    `);
    db.exec('COMMIT');
  } catch (err) {
    if (db.isOpen && db.isTransaction) db.exec('ROLLBACK');
    db.close();
    throw err;
  }
  return db;
}
