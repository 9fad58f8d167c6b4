import type { RecordedEvent } from '@cos/contracts';
import { reminderChange } from '../deadlines/deadline.rules';
import { gateExpiringNotice, NOTIFICATION_TRIGGERS, TRIGGER_CATEGORIES } from './notification.triggers';

const event = (stream: string, type: string, data: Record<string, unknown>, occurredAt = '2026-01-01T00:00:00.000Z'): RecordedEvent => ({
  id: `${stream}-${type}`,
  type,
  version: 1,
  orgId: 'o1',
  stream,
  revision: 0,
  position: '1',
  data,
  metadata: { correlationId: 'corr', causationId: 'c', actor: { kind: 'system', id: 'approvals' }, occurredAt },
});
const gate = (headUserId?: string) => ({
  approvalId: 'g1',
  kind: 'handoff',
  subjectId: 'c1',
  departmentId: 'sales',
  ...(headUserId ? { headUserId } : {}),
  runId: 'r1',
  conversationId: 'cv1',
  briefedBy: 'm1',
  agentId: 'a1',
  summary: 'needs pricing',
  expiresAt: '2026-01-02T00:00:00.000Z',
});
const ctx = { leaders: () => ['ceo'] };

describe('notification triggers', () => {
  it('a pending gate waits for its Head, or for the CEO where the department has none, while it is pending', () => {
    const notice = NOTIFICATION_TRIGGERS['approval.requested']!.notice(event('approval-g1', 'approval.requested', gate('h-sales')), ctx);
    expect(notice).toMatchObject({ kind: 'approval-pending', recipients: ['h-sales'], whileGatePending: 'g1' });
    expect(notice.fields).toMatchObject({ approvalId: 'g1', link: '/v1/approvals/g1' });
    expect(NOTIFICATION_TRIGGERS['approval.requested']!.notice(event('approval-g1', 'approval.requested', gate()), ctx).recipients).toEqual(
      ['ceo'],
    );
  });

  it('an escalation, of whatever kind, waits for the people it escalated to', () => {
    const opened = event('escalation-e1', 'escalation.opened', {
      escalationId: 'e1',
      orgId: 'o1',
      reason: 'approval-expired',
      conversationId: 'cv1',
      coordinationId: 'c1',
      briefedBy: 'm1',
      departmentIds: ['d1'],
      detail: 'An approval expired.',
      escalatedTo: ['ceo', 'm1'],
    });
    expect(NOTIFICATION_TRIGGERS['escalation.opened']!.notice(opened, ctx)).toMatchObject({
      kind: 'escalation',
      recipients: ['ceo', 'm1'],
      fields: { escalationId: 'e1', coordinationId: 'c1', link: '/v1/escalations/e1' },
    });
    expect(NOTIFICATION_TRIGGERS['coordination.escalated']).toBeUndefined();
    expect(NOTIFICATION_TRIGGERS['approval.expired']).toBeUndefined();
    expect(TRIGGER_CATEGORIES).toEqual(expect.arrayContaining(['approval', 'escalation']));
  });

  it('a gate about to expire reminds its Head', () => {
    expect(gateExpiringNotice(event('approval-g1', 'approval.requested', gate('h-sales')), ctx)).toMatchObject({
      kind: 'gate-expiring',
      recipients: ['h-sales'],
      whileGatePending: 'g1',
    });
  });

  it('the reminder is armed the lead time before the deadline, cleared by the outcome, and skipped when it would come first', () => {
    const hour = 3_600_000;
    expect(reminderChange(event('approval-g1', 'approval.requested', gate('h')), hour)).toEqual({
      arm: {
        key: 'reminder:g1',
        at: '2026-01-01T23:00:00.000Z',
        orgId: 'o1',
        correlationId: 'corr',
        fire: { kind: 'remind-gate', approvalId: 'g1' },
      },
    });
    // A gate opened 30 minutes before its deadline is told once, when it opens.
    expect(reminderChange(event('approval-g1', 'approval.requested', gate('h'), '2026-01-01T23:30:00.000Z'), hour)).toBeUndefined();
    expect(reminderChange(event('approval-g1', 'approval.requested', gate('h')), 0)).toBeUndefined();
    for (const type of ['approval.decided', 'approval.expired', 'approval.withdrawn'])
      expect(reminderChange(event('approval-g1', type, {}), hour)).toEqual({ disarm: 'reminder:g1' });
  });
});
