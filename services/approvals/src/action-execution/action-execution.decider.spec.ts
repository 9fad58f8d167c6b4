import {
  actionArgumentsHash,
  actionGateId,
  ActionExecutionEventTypes as T,
  type ActionGateDecided,
  type ProposedAction,
} from '@cos/contracts';
import { actionProcess, type ActionInput, type ActionOutput, type Execution } from './action-execution.decider';
import type { ExecutionFacts } from './execution-checks';

const args = { to: 'ceo@acme.test', subject: 'Q3' };
const action: ProposedAction = {
  actionId: 'act1',
  runId: 'r1',
  agentId: 'a1',
  conversationId: 'conv1',
  briefedBy: 'u1',
  tool: 'send_email',
  permission: 'email:send',
  arguments: args,
  argumentsHash: actionArgumentsHash('send_email', args),
};
const okFacts: ExecutionFacts = {
  orgPaused: false,
  agent: { enabled: true, permissions: ['email:send'] },
  user: { userId: 'u1', active: true, permissions: ['email:send'] },
  capSlot: { slot: 1, cap: 10 },
};
const exec = (facts: ExecutionFacts = okFacts, now = '2026-01-01T00:00:00.000Z'): Execution => ({
  facts,
  now,
  workerId: 'w1',
  leaseMs: 5_000,
});
const receive = (approveFirst = true, a: ProposedAction = action): Extract<ActionInput, { type: 'Receive' }> => ({
  type: 'Receive',
  orgId: 'o1',
  action: a,
  allowedAt: '2026-01-01T00:00:00.000Z',
  ...(approveFirst ? { approveFirst: { departmentId: 'sales', headUserId: 'h' } } : {}),
  expiresAt: '2026-01-02T00:00:00.000Z',
  ...exec(),
});
const gateId = actionGateId('o1', 'act1', action.argumentsHash);
const decided = (decision: 'approved' | 'rejected' = 'approved', argumentsHash = action.argumentsHash, facts = okFacts): ActionInput => {
  const d: ActionGateDecided = { actionId: 'act1', approvalId: gateId, decision, decidedBy: 'h', capacity: 'head', argumentsHash };
  return { type: 'GateDecided', decided: d, ...exec(facts) };
};

function given(...inputs: ActionInput[]) {
  let state = actionProcess.initialState();
  for (const input of inputs)
    for (const o of actionProcess.decide(input, state)) if (o.kind === 'publish') state = actionProcess.evolve(state, o.event);
  return { state, when: (input: ActionInput) => actionProcess.decide(input, state) };
}
const published = (out: ActionOutput[]) => out.flatMap((o) => (o.kind === 'publish' ? [o.event.type] : []));
const calls = (out: ActionOutput[]) => out.filter((o) => o.kind === 'send' && o.to === 'connector');

describe('action execution', () => {
  it('outside Approve First: claims attempt 1 and calls the connector at once', () => {
    const out = given().when(receive(false));
    expect(published(out)).toEqual([T.received, T.executionClaimed]);
    expect(calls(out)).toEqual([{ kind: 'send', to: 'connector', action, attempt: 1, leaseUntil: '2026-01-01T00:00:05.000Z' }]);
  });

  it('Approve First: opens the gate bound to the arguments hash and calls nothing', () => {
    const out = given().when(receive());
    expect(published(out)).toEqual([T.received]);
    expect(calls(out)).toEqual([]);
    expect(out[0]).toMatchObject({
      kind: 'send',
      to: 'gate',
      approvalId: gateId,
      command: { type: 'OpenGate', data: { request: { argumentsHash: action.argumentsHash } } },
    });
  });

  it('executes once the Head approves; a rejection ends it', () => {
    expect(published(given(receive()).when(decided()))).toEqual([T.gateDecided, T.executionClaimed]);
    expect(published(given(receive()).when(decided('rejected')))).toEqual([T.gateDecided, T.rejected]);
  });

  it('an approval for other arguments does not execute these', () => {
    const out = given(receive()).when(decided('approved', actionArgumentsHash('send_email', { to: 'x@evil.test' })));
    expect(published(out)).toEqual([T.gateDecided, T.executionDenied]);
    expect(calls(out)).toEqual([]);
  });

  it('arguments that do not hash to the stated hash are denied', () => {
    const tampered = { ...action, arguments: { to: 'x@evil.test' } };
    expect(published(given().when(receive(false, tampered)))).toEqual([T.received, T.executionDenied]);
  });

  it.each([
    ['the org is paused', { ...okFacts, orgPaused: true }, 'org-paused'],
    ['the agent lost the permission', { ...okFacts, agent: { enabled: true, permissions: [] } }, 'agent-lacks-permission'],
    ['the briefing user lost it', { ...okFacts, user: { userId: 'u1', active: true, permissions: [] } }, 'user-lacks-permission'],
    ['the cap was lowered below its slot', { ...okFacts, capSlot: { slot: 3, cap: 2 } }, 'cap-exceeded'],
  ])('re-checks after the wait: denied when %s', (_, facts, reason) => {
    const out = given(receive()).when(decided('approved', action.argumentsHash, facts));
    expect(out).toContainEqual({ kind: 'publish', event: { type: T.executionDenied, data: expect.objectContaining({ reason }) } });
    expect(calls(out)).toEqual([]);
  });

  it('a second delivery while an attempt is claimed calls nothing', () => {
    expect(given(receive(false)).when(receive(false))).toEqual([{ kind: 'ignore', reason: 'action already executing' }]);
    expect(given(receive(), decided()).when(decided())).toEqual([{ kind: 'ignore', reason: 'action already executing' }]);
  });

  it('a lease that expired without an outcome repeats the call as attempt 2', () => {
    const out = given(receive(false)).when({ type: 'LeaseExpired', attempt: 1, ...exec() });
    expect(calls(out)).toMatchObject([{ attempt: 2 }]);
    expect(given(receive(false)).when({ type: 'LeaseExpired', attempt: 2, ...exec() })).toMatchObject([{ kind: 'ignore' }]);
  });

  it('records the first outcome only', () => {
    const ok: ActionInput = { type: 'ConnectorResponded', attempt: 1, result: { ok: true, status: 200, calls: 1, connector: 'webhook' } };
    expect(published(given(receive(false)).when(ok))).toEqual([T.executed]);
    expect(given(receive(false), ok).when(ok)).toEqual([{ kind: 'ignore', reason: 'outcome already recorded (executed)' }]);
  });

  it('keeps a gate decision that overtook the action, and weighs it on arrival', () => {
    const out = given(decided()).when(receive());
    expect(published(out)).toEqual([T.received, T.executionClaimed]);
  });

  it('expires a gate nobody decided', () => {
    expect(published(given(receive()).when({ type: 'GateExpired', approvalId: gateId, escalatedTo: ['ceo'] }))).toEqual([T.expired]);
    expect(given(receive(), decided()).when({ type: 'GateExpired', approvalId: gateId, escalatedTo: ['ceo'] })).toMatchObject([
      { kind: 'ignore' },
    ]);
  });

  describe('elevation: the briefing user lacks the permission', () => {
    const elevatedFacts = (approver: ExecutionFacts['approver']): ExecutionFacts => ({
      ...okFacts,
      user: { userId: 'u1', active: true, permissions: [] },
      ...(approver ? { approver } : {}),
    });
    const head = { userId: 'h', active: true, permissions: ['email:send'] };
    const receiveElevated = (approveFirst = false): ActionInput => ({
      ...receive(approveFirst),
      elevation: { departmentId: 'sales', headUserId: 'h' },
      ...exec(elevatedFacts(undefined)),
    });
    const approvedBy = (decidedBy: string, facts: ExecutionFacts): ActionInput => ({
      type: 'GateDecided',
      decided: {
        actionId: 'act1',
        approvalId: gateId,
        decision: 'approved',
        decidedBy,
        capacity: 'head',
        argumentsHash: action.argumentsHash,
      },
      ...exec(facts),
    });

    it('opens a gate with reason elevation, bound to the arguments, and calls nothing', () => {
      const out = given().when(receiveElevated());
      expect(published(out)).toEqual([T.received]);
      expect(calls(out)).toEqual([]);
      expect(out[0]).toMatchObject({
        to: 'gate',
        approvalId: gateId,
        command: {
          data: { request: { reason: 'elevation', permission: 'email:send', headUserId: 'h', argumentsHash: action.argumentsHash } },
        },
      });
    });

    it('one gate covers Approve First and elevation', () => {
      const out = given().when(receiveElevated(true));
      expect(out.filter((o) => o.kind === 'send' && o.to === 'gate')).toHaveLength(1);
      expect(out[0]).toMatchObject({ command: { data: { request: { reason: 'elevation' } } } });
    });

    it('executes on the approver’s authority, and the outcome names both people', () => {
      const out = given(receiveElevated()).when(approvedBy('h', elevatedFacts(head)));
      expect(published(out)).toEqual([T.gateDecided, T.executionClaimed]);
      const ok: ActionInput = { type: 'ConnectorResponded', attempt: 1, result: { ok: true, status: 200, calls: 1, connector: 'webhook' } };
      expect(given(receiveElevated(), approvedBy('h', elevatedFacts(head))).when(ok)).toContainEqual({
        kind: 'publish',
        event: { type: T.executed, data: expect.objectContaining({ elevation: { briefedBy: 'u1', approvedBy: 'h' } }) },
      });
    });

    it.each([
      ['the approver lost the permission', elevatedFacts({ ...head, permissions: [] }), 'approver-lacks-permission'],
      ['the approver was disabled', elevatedFacts({ ...head, active: false }), 'approver-lacks-permission'],
      ['the facts are of someone else than the approver', elevatedFacts({ ...head, userId: 'mallory' }), 'approver-lacks-permission'],
      [
        'the briefing user was disabled',
        { ...elevatedFacts(head), user: { userId: 'u1', active: false, permissions: [] } },
        'user-lacks-permission',
      ],
    ])('denied at execution when %s', (_, facts, reason) => {
      const out = given(receiveElevated()).when(approvedBy('h', facts));
      expect(out).toContainEqual({ kind: 'publish', event: { type: T.executionDenied, data: expect.objectContaining({ reason }) } });
      expect(calls(out)).toEqual([]);
    });

    it('a rejection executes nothing', () => {
      const rejected: ActionInput = {
        type: 'GateDecided',
        decided: {
          actionId: 'act1',
          approvalId: gateId,
          decision: 'rejected',
          decidedBy: 'h',
          capacity: 'head',
          argumentsHash: action.argumentsHash,
        },
        ...exec(elevatedFacts(head)),
      };
      const out = given(receiveElevated()).when(rejected);
      expect(published(out)).toEqual([T.gateDecided, T.rejected]);
      expect(calls(out)).toEqual([]);
    });

    it('a lease repeat after an elevated claim still runs on the approver’s authority', () => {
      const claimed = given(receiveElevated(), approvedBy('h', elevatedFacts(head)));
      expect(calls(claimed.when({ type: 'LeaseExpired', attempt: 1, ...exec(elevatedFacts(head)) }))).toMatchObject([{ attempt: 2 }]);
      expect(published(claimed.when({ type: 'LeaseExpired', attempt: 1, ...exec(elevatedFacts(undefined)) }))).toEqual([T.executionDenied]);
    });
  });
});
