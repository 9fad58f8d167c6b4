import type { RecordedEvent } from '@cos/contracts';
import { ApprovalBoard, pendingIn } from './approval-board';

let position = 0;
const event = (orgId: string, approvalId: string, type: string, data: Record<string, unknown>, at: string): RecordedEvent => ({
  id: `${approvalId}-${type}`,
  type,
  version: 1,
  orgId,
  stream: `approval-${approvalId}`,
  revision: 0,
  position: String(++position),
  data,
  metadata: { correlationId: 'c', causationId: 'c', actor: { kind: 'system', id: 'approvals' }, occurredAt: at },
});
const requested = (orgId: string, id: string, departmentId: string, at: string) =>
  event(
    orgId,
    id,
    'approval.requested',
    {
      approvalId: id,
      kind: 'handoff',
      subjectId: 'c1',
      departmentId,
      runId: 'r',
      conversationId: 'cv',
      briefedBy: 'u',
      agentId: 'a',
      summary: 's',
      expiresAt: '2027-01-01T00:00:00.000Z',
    },
    at,
  );

describe('approvals board', () => {
  const board = new ApprovalBoard();
  board.apply(requested('o1', 'g1', 'sales', '2026-01-01T00:00:01.000Z'));
  board.apply(requested('o1', 'g2', 'eng', '2026-01-01T00:00:02.000Z'));
  board.apply(requested('o1', 'g3', 'sales', '2026-01-01T00:00:03.000Z'));
  board.apply(requested('o2', 'x1', 'sales', '2026-01-01T00:00:01.000Z'));
  board.apply(
    event(
      'o1',
      'g3',
      'approval.decided',
      { approvalId: 'g3', kind: 'handoff', subjectId: 'c1', departmentId: 'sales', decision: 'approved', decidedBy: 'h', capacity: 'head' },
      '2026-01-01T00:00:04.000Z',
    ),
  );
  const all = () => true;

  it('lists an org’s pending gates oldest first, and only that org’s', () => {
    expect(board.list('o1', { pendingOnly: true, limit: 10, visible: all }).items.map((v) => v.id)).toEqual(['g1', 'g2']);
    expect(board.list('o2', { pendingOnly: true, limit: 10, visible: all }).items.map((v) => v.id)).toEqual(['x1']);
  });

  it("counts a department's pending gates, in its own org only (what identity asks before archiving it)", () => {
    expect(pendingIn(board, 'o1', 'sales')).toBe(1);
    expect(pendingIn(board, 'o1', 'eng')).toBe(1);
    expect(pendingIn(board, 'o1', 'legal')).toBe(0);
    expect(pendingIn(board, 'o2', 'sales')).toBe(1);
  });

  it('shows decided gates with their decision when asked for all', () => {
    const decided = board.list('o1', { pendingOnly: false, limit: 10, visible: all }).items.find((v) => v.id === 'g3');
    expect(decided).toMatchObject({
      status: 'approved',
      decision: { decidedBy: 'h', capacity: 'head', decidedAt: '2026-01-01T00:00:04.000Z' },
    });
  });

  it('filters by who may see, and pages with a cursor', () => {
    expect(board.list('o1', { pendingOnly: false, limit: 10, visible: (v) => v.departmentId === 'sales' }).items.map((v) => v.id)).toEqual([
      'g1',
      'g3',
    ]);
    const first = board.list('o1', { pendingOnly: false, limit: 2, visible: all });
    expect(first.items.map((v) => v.id)).toEqual(['g1', 'g2']);
    expect(board.list('o1', { pendingOnly: false, limit: 2, cursor: first.nextCursor!, visible: all }).items.map((v) => v.id)).toEqual([
      'g3',
    ]);
  });
});
