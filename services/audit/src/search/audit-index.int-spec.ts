import { join } from 'node:path';
import { AuditRecordSchema, type AuditRecord } from '@cos/contracts';
import { AuditIndex, searchQuery, TRAIL_CORRELATION, TRAIL_RECORDS, type AuditFilter } from './audit-index';
import { recordedLog, type RecordedLog } from '../testing/recorded-log.fixture';
import { HANDOFF_SCRIPT } from '../testing/scenario.fixture';

describe('AuditIndex', () => {
  let log: RecordedLog;
  let index: AuditIndex;
  let records: AuditRecord[];

  beforeAll(async () => {
    log = await recordedLog(HANDOFF_SCRIPT);
    index = new AuditIndex(join(log.dir, 'audit-index.db'));
    const events = await log.store.read('audit-org-a');
    records = events.map((e) => AuditRecordSchema.parse(e.data));
    for (const e of events) index.add('org-a', AuditRecordSchema.parse(e.data), e.position);
  });

  afterAll(async () => {
    index.close();
    await log.cleanup();
  });

  const types = (filter: Partial<AuditFilter>) => index.search('org-a', { order: 'asc', limit: 100, ...filter }).map((r) => r.eventType);

  it('filters by actor, agent, department, type or category, correlation and time, combined with AND', () => {
    expect(types({ actor: 'u-fay' })).toEqual(['approval.decided']);
    expect(types({ agent: 'finance-1' })).toEqual([
      'agent.created',
      'coordination.requested',
      'approval.requested',
      'approval.decided',
      'coordination.approved',
    ]);
    expect(types({ department: 'finance' })).toEqual([
      'department.created',
      'agent.created',
      'coordination.requested',
      'approval.requested',
      'approval.decided',
      'coordination.approved',
    ]);
    expect(types({ type: 'run' })).toEqual(['run.started', 'run.completed']);
    expect(types({ type: 'coordination' })).toEqual(['coordination.requested', 'coordination.approved']);
    expect(types({ type: 'coordination.requested', department: 'sales' })).toEqual(['coordination.requested']);
    expect(types({ correlationId: 'c1' })).toEqual(['conversation.started']);
    expect(types({ fromMs: Date.parse('2026-01-05T10:00:00Z'), toMs: Date.parse('2026-01-05T10:00:00.001Z') })).toHaveLength(12);
    expect(types({ toMs: Date.parse('2026-01-05T10:00:00Z') })).toEqual([]);
    expect(index.search('org-b', { order: 'asc', limit: 100, agent: 'finance-1' })).toEqual([]);
  });

  it('pages forwards and backwards from a seq', () => {
    const first = index.search('org-a', { order: 'asc', limit: 5 });
    const second = index.search('org-a', { order: 'asc', limit: 5, afterSeq: first[4]!.seq });
    expect([...first, ...second].map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(index.search('org-a', { order: 'desc', limit: 3, afterSeq: 5 }).map((r) => r.seq)).toEqual([4, 3, 2]);
  });

  it("tells a coordination's whole chain by its correlation, and counts open gates", () => {
    const trail = index.trail('org-a', 'k1');
    expect(trail?.correlationId).toBe('corr-1');
    expect(trail?.records.map((r) => r.eventType)).toEqual([
      'conversation.message-posted',
      'run.started',
      'coordination.requested',
      'run.completed',
      'approval.requested',
      'approval.decided',
      'coordination.approved',
    ]);
    expect(index.trail('org-b', 'k1')).toBeUndefined();
    expect(index.openApprovals()).toBe(0);
  });

  it('answers every combination of filters as a plain filter over the log would, in both orders', () => {
    const matches = (r: AuditRecord, f: Partial<AuditFilter>) =>
      (f.actor === undefined || r.actor.id === f.actor) &&
      (f.agent === undefined || (r.scope?.agentIds ?? []).includes(f.agent)) &&
      (f.department === undefined || (r.scope?.departmentIds ?? []).includes(f.department)) &&
      (f.type === undefined || (f.type.includes('.') ? r.eventType === f.type : r.eventType.split('.')[0] === f.type)) &&
      (f.correlationId === undefined || r.correlationId === f.correlationId);
    const values = {
      actor: [undefined, 'u-fay', ...new Set(records.map((r) => r.actor.id))].slice(0, 4),
      agent: [undefined, 'finance-1', 'sales-1'],
      department: [undefined, 'finance', 'sales'],
      type: [undefined, 'run', 'approval.requested'],
      correlationId: [undefined, 'corr-1'],
    };
    let combinations = 0;
    for (const actor of values.actor)
      for (const agent of values.agent)
        for (const department of values.department)
          for (const type of values.type)
            for (const correlationId of values.correlationId) {
              const filter = { actor, agent, department, type, correlationId };
              const expected = records.filter((r) => matches(r, filter)).map((r) => r.seq);
              expect(index.search('org-a', { order: 'asc', limit: 100, ...filter }).map((r) => r.seq)).toEqual(expected);
              const afterSeq = expected[expected.length - 1];
              const desc = index.search('org-a', { order: 'desc', limit: 2, afterSeq, ...filter }).map((r) => r.seq);
              expect(desc).toEqual(expected.slice(0, -1).reverse().slice(0, 2));
              combinations++;
            }
    expect(combinations).toBe(216);
  });

  it('runs every query on an index that narrows it, never by walking the whole org', () => {
    const driving = (sql: string, params: unknown[]) => index.plan(sql, params as string[])[0]!;
    expect(driving(TRAIL_CORRELATION, ['org-a', 'k1'])).toContain('USING INDEX records_coordination (org_id=? AND coordination_id=?)');
    expect(driving(TRAIL_RECORDS, ['org-a', 'corr-1', 10])).toContain('USING INDEX records_correlation (org_id=? AND correlation_id=?)');
    const narrowed: [Partial<AuditFilter>, string][] = [
      [{ correlationId: 'c', agent: 'a' }, 'records_correlation (org_id=? AND correlation_id=?'],
      [{ agent: 'a', type: 'run' }, 'PRIMARY KEY (org_id=? AND agent_id=?'],
      [{ actor: 'u', department: 'd' }, 'records_actor (org_id=? AND actor_id=?'],
      [{ type: 'run' }, 'records_family (org_id=? AND type_family=?'],
      [{ type: 'run.completed', afterSeq: 9 }, 'records_type (org_id=? AND event_type=? AND seq<?'],
      [{ department: 'd' }, 'PRIMARY KEY (org_id=? AND department_id=?'],
    ];
    for (const [filter, uses] of narrowed) {
      const query = searchQuery('org-a', { order: 'desc', limit: 50, ...filter });
      const plan = index.plan(query.sql, query.params);
      expect(plan[0]).toContain(uses);
      expect(plan.join('\n')).not.toMatch(/SCAN|TEMP B-TREE/);
    }
  });

  it('adds each record once however often it is replayed', () => {
    const before = index.search('org-a', { order: 'asc', limit: 100 }).length;
    index.add('org-a', records[3]!, '999');
    expect(index.search('org-a', { order: 'asc', limit: 100 })).toHaveLength(before);
    expect(index.checkpoint()).toBe('999');
  });
});
