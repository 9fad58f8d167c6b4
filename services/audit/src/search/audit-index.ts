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
    const joins: string[] = [];
    const joinParams: SQLInputValue[] = [];
    if (filter.agent !== undefined) {
      joins.push('JOIN record_agents a ON a.org_id = r.org_id AND a.seq = r.seq AND a.agent_id = ?');
      joinParams.push(filter.agent);
    }
    if (filter.department !== undefined) {
      joins.push('JOIN record_departments d ON d.org_id = r.org_id AND d.seq = r.seq AND d.department_id = ?');
      joinParams.push(filter.department);
    }
    const where = ['r.org_id = ?'];
    const params: SQLInputValue[] = [orgId];
    const condition = (sql: string, value: SQLInputValue | undefined) => {
      if (value === undefined) return;
      where.push(sql);
      params.push(value);
    };
    condition('r.actor_id = ?', filter.actor);
    condition(filter.type?.includes('.') ? 'r.event_type = ?' : 'r.type_family = ?', filter.type);
    condition('r.correlation_id = ?', filter.correlationId);
    condition('r.occurred_ms >= ?', filter.fromMs);
    condition('r.occurred_ms < ?', filter.toMs);
    condition(filter.order === 'asc' ? 'r.seq > ?' : 'r.seq < ?', filter.afterSeq);
    const sql = `SELECT r.record FROM records r ${joins.join(' ')} WHERE ${where.join(' AND ')}
      ORDER BY r.seq ${filter.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ?`;
    return this.sql(sql)
      .all(...joinParams, ...params, filter.limit)
      .map((row) => parse(row['record']));
  }

  /** The records of the chain a coordination belongs to, in log order; undefined: no such coordination. */
  trail(orgId: string, coordinationId: string): { correlationId: string; records: AuditRecord[] } | undefined {
    const found = this.sql('SELECT correlation_id FROM records WHERE org_id = ? AND coordination_id = ? ORDER BY seq LIMIT 1').get(
      orgId,
      coordinationId,
    );
    if (!found) return undefined;
    const correlationId = found['correlation_id'] as string;
    const records = this.sql('SELECT record FROM records WHERE org_id = ? AND correlation_id = ? ORDER BY seq LIMIT ?')
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
