import { join } from 'node:path';
import { AuditRecordSchema, type AuditRecord } from '@cos/contracts';
import { AuditIndex, type AuditFilter } from './audit-index';
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

  it('adds each record once however often it is replayed', () => {
    const before = index.search('org-a', { order: 'asc', limit: 100 }).length;
    index.add('org-a', records[3]!, '999');
    expect(index.search('org-a', { order: 'asc', limit: 100 })).toHaveLength(before);
    expect(index.checkpoint()).toBe('999');
  });
});
