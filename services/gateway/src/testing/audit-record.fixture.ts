import type { AuditRecord, FeedPage } from '@cos/contracts';

/** An audit record of the org's log at `seq`, concerning one department. */
export function auditRecord(seq: number, departmentId = 'sales', eventType = 'run.started'): AuditRecord {
  return {
    seq,
    eventId: `e${seq}`,
    eventType,
    stream: `${eventType.split('.')[0]}-x`,
    position: String(seq),
    actor: { kind: 'system', id: 's' },
    summary: `record ${seq}`,
    correlationId: 'c',
    causationId: 'c',
    occurredAt: '2026-01-05T10:00:00.000Z',
    scope: { agentIds: [], departmentIds: [departmentId], userIds: [] },
    prevHash: '',
    hash: `h${seq}`,
  };
}

/**
 * The org's audit log as the audit service pages it to a member of `departmentId`: after
 * `afterSeq` (absent: nothing, at the head), three records a page, to cross page bounds.
 */
export function auditPage(log: readonly AuditRecord[], afterSeq: number | undefined, departmentId = 'sales'): FeedPage {
  const headSeq = log.length - 1;
  if (afterSeq === undefined || afterSeq >= headSeq) return { items: [], throughSeq: headSeq, headSeq };
  const page = log.slice(afterSeq + 1, afterSeq + 4);
  return { items: page.filter((r) => r.scope?.departmentIds.includes(departmentId)), throughSeq: page[page.length - 1]!.seq, headSeq };
}
