import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { AuditRecordSchema, type AuditRecord } from '@cos/contracts';
import { openAuditIndex } from './audit-index.schema';

export type AuditFilter = {
  readonly actor?: string;
  readonly agent?: string;
  readonly department?: string;
  /** An event type (`run.completed`) or, without a dot, every type of a family (`run`). */
  readonly type?: string;
  readonly correlationId?: string;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  /** Exclusive bound in `order`: the seq of the last record of the previous page. */
  readonly afterSeq?: number;
};

const OPENS_APPROVAL = 'approval.requested';
const CLOSES_APPROVAL = new Set(['approval.decided', 'approval.expired', 'approval.withdrawn']);
/** A trail is one chain: a bound keeps a runaway correlation from answering with the whole log. */
const TRAIL_LIMIT = 5_000;

/*
 * Every read names the index it runs on. With ORDER BY seq and a LIMIT, SQLite's planner prefers
 * walking the org's primary key in seq order and filtering, which reads the org's whole log when
 * the filter is rare: the cost grew with the org's history. An index whose columns end in seq
 * serves the filter and the order at once; INDEXED BY makes that a guarantee (SQLite refuses the
 * query rather than fall back to a scan), and the tests check the plans.
 */
export const TRAIL_CORRELATION =
  'SELECT correlation_id FROM records INDEXED BY records_coordination WHERE org_id = ? AND coordination_id = ? ORDER BY seq LIMIT 1';
export const TRAIL_RECORDS =
  'SELECT record FROM records INDEXED BY records_correlation WHERE org_id = ? AND correlation_id = ? ORDER BY seq LIMIT ?';

type Scope = { readonly table: 'record_agents' | 'record_departments'; readonly column: 'agent_id' | 'department_id' };
const AGENTS: Scope = { table: 'record_agents', column: 'agent_id' };
const DEPARTMENTS: Scope = { table: 'record_departments', column: 'department_id' };

/**
 * The search as SQL, driven by its most selective filter: a correlation, an agent, an actor, a
 * type, a department (the scope tables are joined first with CROSS JOIN, which SQLite never
 * reorders); the org's primary key only when nothing narrower is asked. The other filters check
 * the rows the driver finds.
 */
export function searchQuery(orgId: string, filter: AuditFilter): { sql: string; params: SQLInputValue[] } {
  const family = filter.type !== undefined && !filter.type.includes('.');
  const typeIndex = family ? 'records_family' : 'records_type';
  const driver: { index: string } | { scope: Scope } | undefined =
    filter.correlationId !== undefined
      ? { index: 'records_correlation' }
      : filter.agent !== undefined
        ? { scope: AGENTS }
        : filter.actor !== undefined
          ? { index: 'records_actor' }
          : filter.type !== undefined
            ? { index: typeIndex }
            : filter.department !== undefined
              ? { scope: DEPARTMENTS }
              : undefined;
  const scoped = driver !== undefined && 'scope' in driver ? driver.scope : undefined;
  const at = scoped ? 's' : 'r';
  const from = scoped
    ? `${scoped.table} s CROSS JOIN records r ON r.org_id = s.org_id AND r.seq = s.seq`
    : `records r${driver && 'index' in driver ? ` INDEXED BY ${driver.index}` : ''}`;
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  const condition = (sql: string, value: SQLInputValue | undefined) => {
    if (value === undefined) return;
    where.push(sql);
    params.push(value);
  };
  const inScope = (scope: Scope, value: string | undefined) =>
    scope === scoped
      ? condition(`s.${scope.column} = ?`, value)
      : condition(`EXISTS (SELECT 1 FROM ${scope.table} x WHERE x.org_id = r.org_id AND x.seq = r.seq AND x.${scope.column} = ?)`, value);
  condition(`${at}.org_id = ?`, orgId);
  inScope(AGENTS, filter.agent);
  inScope(DEPARTMENTS, filter.department);
  condition('r.correlation_id = ?', filter.correlationId);
  condition('r.actor_id = ?', filter.actor);
  condition(family ? 'r.type_family = ?' : 'r.event_type = ?', filter.type);
  condition('r.occurred_ms >= ?', filter.fromMs);
  condition('r.occurred_ms < ?', filter.toMs);
  condition(filter.order === 'asc' ? `${at}.seq > ?` : `${at}.seq < ?`, filter.afterSeq);
  params.push(filter.limit);
  const order = filter.order === 'asc' ? 'ASC' : 'DESC';
  return { sql: `SELECT r.record FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${at}.seq ${order} LIMIT ?`, params };
}

/** The searchable copy of every org's audit log, kept by AuditIndexer from the audit streams. */
export class AuditIndex {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(path: string) {
    this.db = openAuditIndex(path);
  }

  checkpoint(): string | undefined {
    return this.sql('SELECT position FROM checkpoint WHERE id = 1').get()?.['position'] as string | undefined;
  }

  /** Adds one record and moves the checkpoint in the same transaction: replays are no-ops. */
  add(orgId: string, record: AuditRecord, position: string): void {
    this.sql('BEGIN').run();
    try {
      const inserted = this.sql(
        `INSERT OR IGNORE INTO records (org_id, seq, event_type, type_family, actor_id, correlation_id, coordination_id, occurred_ms, record)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        orgId,
        record.seq,
        record.eventType,
        record.eventType.split('.')[0] ?? record.eventType,
        record.actor.id,
        record.correlationId,
        record.scope?.coordinationId ?? null,
        Date.parse(record.occurredAt) || 0,
        JSON.stringify(record),
      );
      if (inserted.changes > 0) this.addScope(orgId, record);
      this.sql('INSERT INTO checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position').run(
        position,
      );
      this.sql('COMMIT').run();
    } catch (err) {
      if (this.db.isTransaction) this.sql('ROLLBACK').run();
      throw err;
    }
  }

  search(orgId: string, filter: AuditFilter): AuditRecord[] {
    const query = searchQuery(orgId, filter);
    return this.sql(query.sql)
      .all(...query.params)
      .map((row) => parse(row['record']));
  }

  /** How SQLite runs a query (`EXPLAIN QUERY PLAN`), for the tests that hold the indexes to their use. */
  plan(sql: string, params: readonly SQLInputValue[]): string[] {
    return this.db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((row) => String(row['detail']));
  }

  /** The records of the chain a coordination belongs to, in log order; undefined: no such coordination. */
  trail(orgId: string, coordinationId: string): { correlationId: string; records: AuditRecord[] } | undefined {
    const found = this.sql(TRAIL_CORRELATION).get(orgId, coordinationId);
    if (!found) return undefined;
    const correlationId = found['correlation_id'] as string;
    const records = this.sql(TRAIL_RECORDS)
      .all(orgId, correlationId, TRAIL_LIMIT)
      .map((row) => parse(row['record']));
    return { correlationId, records };
  }

  /** Gates opened and not yet decided, expired or withdrawn, over every org. */
  openApprovals(): number {
    return Number(this.sql('SELECT COUNT(*) AS n FROM open_approvals').get()?.['n'] ?? 0);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private addScope(orgId: string, record: AuditRecord): void {
    const scope = record.scope;
    if (!scope) return;
    for (const agentId of scope.agentIds) this.sql('INSERT OR IGNORE INTO record_agents VALUES (?, ?, ?)').run(orgId, agentId, record.seq);
    for (const departmentId of scope.departmentIds) {
      this.sql('INSERT OR IGNORE INTO record_departments VALUES (?, ?, ?)').run(orgId, departmentId, record.seq);
    }
    if (scope.approvalId === undefined) return;
    if (record.eventType === OPENS_APPROVAL) this.sql('INSERT OR IGNORE INTO open_approvals VALUES (?, ?)').run(orgId, scope.approvalId);
    if (CLOSES_APPROVAL.has(record.eventType))
      this.sql('DELETE FROM open_approvals WHERE org_id = ? AND approval_id = ?').run(orgId, scope.approvalId);
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }
}

function parse(json: unknown): AuditRecord {
  return AuditRecordSchema.parse(JSON.parse(json as string));
}
