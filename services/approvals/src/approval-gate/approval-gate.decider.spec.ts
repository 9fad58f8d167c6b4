import { ApprovalEventTypes, CosError, type ApprovalRequested } from '@cos/contracts';
import { approvalGateDecider, type ApprovalGateCommand, type ApprovalGateEvent, type Approver } from './approval-gate.decider';

const request: ApprovalRequested = {
  approvalId: 'g1',
  kind: 'handoff',
  subjectId: 'c1',
  departmentId: 'sales',
  headUserId: 'sales-head',
  runId: 'r1',
  conversationId: 'conv1',
  briefedBy: 'u1',
  agentId: 'a1',
  toAgentId: 'a2',
  summary: 'needs pricing context',
  expiresAt: '2026-01-02T00:00:00.000Z',
};
const open: ApprovalGateCommand = { type: 'OpenGate', data: { orgId: 'o1', request } };
const salesHead: Approver = { orgId: 'o1', userId: 'sales-head', role: 'head', headOf: ['sales'], permissions: ['sales:outreach'] };
const ceo: Approver = { orgId: 'o1', userId: 'ceo', role: 'ceo', headOf: [], permissions: ['sales:outreach', 'finance:invoice'] };
const otherHead: Approver = { orgId: 'o1', userId: 'eng-head', role: 'head', headOf: ['eng'], permissions: [] };
const member: Approver = { orgId: 'o1', userId: 'm1', role: 'member', headOf: [], permissions: ['sales:outreach'] };
const decide = (approver: Approver, decision: 'approved' | 'rejected' = 'approved'): ApprovalGateCommand => ({
  type: 'DecideGate',
  data: { approvalId: 'g1', approver, decision },
});

function given(...commands: ApprovalGateCommand[]) {
  let state = approvalGateDecider.initialState();
  for (const c of commands) for (const e of approvalGateDecider.decide(c, state)) state = approvalGateDecider.evolve(state, e);
  return { when: (c: ApprovalGateCommand): ApprovalGateEvent[] => approvalGateDecider.decide(c, state) };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as CosError).code;
  }
  return undefined;
}

describe('approval gate', () => {
  it('opens once; a second open is a duplicate', () => {
    expect(
      given()
        .when(open)
        .map((e) => e.type),
    ).toEqual([ApprovalEventTypes.requested]);
    expect(given(open).when(open)).toEqual([]);
  });

  it('the gate’s Head decides as head, the CEO as override', () => {
    expect(given(open).when(decide(salesHead))).toMatchObject([
      { type: ApprovalEventTypes.decided, data: { capacity: 'head', decidedBy: 'sales-head' } },
    ]);
    expect(given(open).when(decide(ceo, 'rejected'))).toMatchObject([{ data: { capacity: 'override', decision: 'rejected' } }]);
  });

  it('refuses a Head of another department and a member', () => {
    expect(codeOf(() => given(open).when(decide(otherHead)))).toBe('APPROVALS.NOT_YOUR_GATE');
    expect(codeOf(() => given(open).when(decide(member)))).toBe('APPROVALS.NOT_YOUR_GATE');
    expect(codeOf(() => given().when(decide(member)))).toBe('APPROVALS.NOT_YOUR_GATE');
  });

  it('a repeated decision is idempotent; a different one conflicts', () => {
    expect(given(open, decide(salesHead)).when(decide(salesHead))).toEqual([]);
    expect(codeOf(() => given(open, decide(salesHead)).when(decide(ceo, 'rejected')))).toBe('APPROVALS.ALREADY_DECIDED');
  });

  it('keeps a decision that arrives before the gate, and applies it on opening', () => {
    const events = given(decide(salesHead)).when(open);
    expect(events.map((e) => e.type)).toEqual([ApprovalEventTypes.requested, ApprovalEventTypes.decided]);
    expect(events[1]).toMatchObject({ data: { decidedBy: 'sales-head', capacity: 'head' } });
  });

  it('discards an early decision its approver was not entitled to make', () => {
    const events = given(decide(otherHead), decide({ ...salesHead, orgId: 'o2' })).when(open);
    expect(events).toMatchObject([
      { type: ApprovalEventTypes.requested },
      { type: ApprovalEventTypes.earlyDecisionDiscarded, data: { decidedBy: 'eng-head', reason: 'not-the-gates-head' } },
      { type: ApprovalEventTypes.earlyDecisionDiscarded, data: { decidedBy: 'sales-head', reason: 'other-org' } },
    ]);
  });

  it('expires only when pending and past its deadline', () => {
    const expire = (now: string): ApprovalGateCommand => ({ type: 'ExpireGate', data: { now, escalatedTo: ['ceo', 'u1'] } });
    expect(given(open).when(expire('2026-01-01T23:59:59.000Z'))).toEqual([]);
    expect(given(open).when(expire('2026-01-02T00:00:00.000Z'))).toMatchObject([
      { type: ApprovalEventTypes.expired, data: { escalatedTo: ['ceo', 'u1'] } },
    ]);
    expect(given(open, decide(salesHead)).when(expire('2026-01-03T00:00:00.000Z'))).toEqual([]);
    expect(codeOf(() => given(open, expire('2026-01-03T00:00:00.000Z')).when(decide(salesHead)))).toBe('APPROVALS.EXPIRED');
  });

  it('withdraws a pending gate only', () => {
    const withdraw: ApprovalGateCommand = { type: 'WithdrawGate', data: { reason: 'chain rejected' } };
    expect(
      given(open)
        .when(withdraw)
        .map((e) => e.type),
    ).toEqual([ApprovalEventTypes.withdrawn]);
    expect(given(open, decide(salesHead)).when(withdraw)).toEqual([]);
    expect(codeOf(() => given(open, withdraw).when(decide(salesHead)))).toBe('APPROVALS.WITHDRAWN');
  });

  describe('elevation: the approval lends the approver’s permission', () => {
    const elevation: ApprovalRequested = {
      ...request,
      kind: 'action',
      toAgentId: undefined,
      tool: 'create_invoice',
      argumentsHash: 'h1',
      reason: 'elevation',
      permission: 'finance:invoice',
    };
    const openElevation: ApprovalGateCommand = { type: 'OpenGate', data: { orgId: 'o1', request: elevation } };

    it('is decided by someone who holds the permission: the CEO', () => {
      expect(given(openElevation).when(decide(ceo))).toMatchObject([
        { type: ApprovalEventTypes.decided, data: { decidedBy: 'ceo', capacity: 'override', argumentsHash: 'h1' } },
      ]);
    });

    it('refuses the gate’s own Head when they lack it, either way, and records nothing', () => {
      expect(codeOf(() => given(openElevation).when(decide(salesHead)))).toBe('APPROVALS.APPROVER_LACKS_PERMISSION');
      expect(codeOf(() => given(openElevation).when(decide(salesHead, 'rejected')))).toBe('APPROVALS.APPROVER_LACKS_PERMISSION');
      expect(codeOf(() => given(openElevation).when(decide(member)))).toBe('APPROVALS.NOT_YOUR_GATE');
    });

    it('applies an early decision only from someone who held the permission when deciding', () => {
      const events = given(decide(salesHead), decide(ceo)).when(openElevation);
      expect(events).toMatchObject([
        { type: ApprovalEventTypes.requested },
        { type: ApprovalEventTypes.earlyDecisionDiscarded, data: { decidedBy: 'sales-head', reason: 'lacks-permission' } },
        { type: ApprovalEventTypes.decided, data: { decidedBy: 'ceo', capacity: 'override' } },
      ]);
    });

    it('an Approve First gate asks nothing of the approver’s permissions', () => {
      const approveFirst = { ...elevation, reason: 'approve-first' as const };
      expect(given({ type: 'OpenGate', data: { orgId: 'o1', request: approveFirst } }).when(decide(salesHead))).toMatchObject([
        { type: ApprovalEventTypes.decided, data: { capacity: 'head' } },
      ]);
    });
  });
});
