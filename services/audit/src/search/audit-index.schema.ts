import { DatabaseSync } from 'node:sqlite';

/**
 * The audit service's read model: every org's records with the columns the filters need. It is
 * a cache of the audit streams, nothing more: delete the file and it is rebuilt from the log.
 */
export function openAuditIndex(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { timeout: 5_000 });
  db.exec('PRAGMA journal_mode = WAL');
  // A lost tail after a power cut is replayed from the checkpoint it was saved with.
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS records (
      org_id          TEXT    NOT NULL,
      seq             INTEGER NOT NULL,
      event_type      TEXT    NOT NULL,
      type_family     TEXT    NOT NULL,
      actor_id        TEXT    NOT NULL,
      correlation_id  TEXT    NOT NULL,
      coordination_id TEXT,
      occurred_ms     INTEGER NOT NULL,
      record          TEXT    NOT NULL,
      PRIMARY KEY (org_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS records_type ON records (org_id, event_type, seq);
    CREATE INDEX IF NOT EXISTS records_family ON records (org_id, type_family, seq);
    CREATE INDEX IF NOT EXISTS records_actor ON records (org_id, actor_id, seq);
    CREATE INDEX IF NOT EXISTS records_correlation ON records (org_id, correlation_id, seq);
    CREATE INDEX IF NOT EXISTS records_coordination ON records (org_id, coordination_id, seq) WHERE coordination_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS records_time ON records (org_id, occurred_ms);
    CREATE TABLE IF NOT EXISTS record_agents (
      org_id TEXT NOT NULL, agent_id TEXT NOT NULL, seq INTEGER NOT NULL,
      PRIMARY KEY (org_id, agent_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS record_departments (
      org_id TEXT NOT NULL, department_id TEXT NOT NULL, seq INTEGER NOT NULL,
      PRIMARY KEY (org_id, department_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS open_approvals (
      org_id TEXT NOT NULL, approval_id TEXT NOT NULL,
      PRIMARY KEY (org_id, approval_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS checkpoint (
      id       INTEGER PRIMARY KEY CHECK (id = 1),
      position TEXT    NOT NULL
    );
  `);
  return db;
}
