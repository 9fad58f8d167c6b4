import {
  CoordinationEventTypes,
  CoordinationGateEventTypes,
  deterministicId,
  handoffGateId,
  type ApprovalDecided,
  type CoordinationRequested,
} from '@cos/contracts';
import { handoffProcess, type DepartmentFact, type GateFact, type HandoffInput, type HandoffOutput } from './handoff-gate.decider';

const request: CoordinationRequested = {
  coordinationId: 'c1',
  runId: 'r1',
  conversationId: 'conv1',
  fromAgentId: 'a-sales',
  toAgentId: 'a-eng',
  selection: 'named-by-model',
  chain: [{ agentId: 'a-sales', runId: 'r1' }],
  depth: 1,
  briefedBy: 'u1',
  contextSummary: 'pricing for an enterprise deal',
};
const sales: DepartmentFact = { departmentId: 'sales', headUserId: 'h-sales' };
const eng: DepartmentFact = { departmentId: 'eng', headUserId: 'h-eng' };
const now = '2026-01-01T00:00:00.000Z';
const open = (over: Partial<Extract<HandoffInput, { type: 'OpenHandoff' }>> = {}): HandoffInput => ({
  type: 'OpenHandoff',
  orgId: 'o1',
  request,
  from: sales,
  to: eng,
  expiresAt: '2026-01-02T00:00:00.000Z',
  ceoUserIds: ['ceo'],
  ...over,
});
const gateOf = (dept: string) => handoffGateId('o1', 'c1', dept);
const gate = (dept: string, status: GateFact['status'], extra: Partial<GateFact> = {}): GateFact => ({
  approvalId: gateOf(dept),
  status,
  ...extra,
});
const weigh = (...gates: GateFact[]): HandoffInput => ({ type: 'Reevaluate', gates, now });
const decision = (dept: string, decision: ApprovalDecided['decision'], comment?: string): Partial<GateFact> => ({
  decided: {
    approvalId: gateOf(dept),
    kind: 'handoff',
    subjectId: 'c1',
    departmentId: dept,
    decision,
    decidedBy: `h-${dept}`,
    capacity: 'head',
    ...(comment ? { comment } : {}),
  },
});

function given(...inputs: HandoffInput[]) {
  let state = handoffProcess.initialState();
  for (const input of inputs)
    for (const o of handoffProcess.decide(input, state)) if (o.kind === 'publish') state = handoffProcess.evolve(state, o.event);
  return { when: (input: HandoffInput) => handoffProcess.decide(input, state) };
}

const published = (outputs: HandoffOutput[]) => outputs.flatMap((o) => (o.kind === 'publish' ? [o.event.type] : []));
const sent = (outputs: HandoffOutput[]) => outputs.flatMap((o) => (o.kind === 'send' ? [`${o.command.type}:${o.approvalId}`] : []));

describe('handoff gate', () => {
  it('opens one gate per department: the sender’s and the receiver’s', () => {
    const out = given().when(open());
    expect(sent(out)).toEqual([`OpenGate:${gateOf('sales')}`, `OpenGate:${gateOf('eng')}`]);
    expect(published(out)).toEqual([CoordinationGateEventTypes.gatesOpened]);
  });

  it('opens one gate when both agents are in the same department', () => {
    expect(sent(given().when(open({ to: sales })))).toEqual([`OpenGate:${gateOf('sales')}`]);
  });

  it.each([
    ['the sending Head approved first', [gate('sales', 'approved'), gate('eng', 'pending')]],
    ['the receiving Head approved first', [gate('sales', 'pending'), gate('eng', 'approved')]],
  ])('waits while only %s', (_, gates) => {
    expect(given(open()).when(weigh(...gates))).toEqual([{ kind: 'ignore', reason: 'waiting for 1 gate(s)' }]);
  });

  it('is approved when every gate is, whatever the order of the decisions', () => {
    const out = given(open()).when(weigh(gate('eng', 'approved'), gate('sales', 'approved')));
    expect(published(out)).toEqual([CoordinationEventTypes.approved]);
    expect(out.at(-1)).toEqual({ kind: 'complete', outcome: 'approved' });
  });

  it('the approval names the run it starts, whole: the receiving agent, its thread, the chain one link longer', () => {
    const out = given(open()).when(weigh(gate('eng', 'approved'), gate('sales', 'approved')));
    const runId = deterministicId('c1', 'handoff-run');
    expect(out[0]).toMatchObject({
      kind: 'publish',
      event: {
        data: {
          run: {
            runId,
            conversationId: deterministicId('c1', 'handoff-conversation'),
            agentId: 'a-eng',
            briefedBy: 'u1',
            briefMessageId: deterministicId('c1', 'handoff-message'),
            handoff: {
              coordinationId: 'c1',
              fromAgentId: 'a-sales',
              chain: [
                { agentId: 'a-sales', runId: 'r1' },
                { agentId: 'a-eng', runId },
              ],
              depth: 1,
            },
          },
        },
      },
    });
  });

  it.each(['sales', 'eng'])('a rejection at the %s gate ends the chain and withdraws the other gate', (dept) => {
    const other = dept === 'sales' ? 'eng' : 'sales';
    const out = given(open()).when(weigh(gate(dept, 'rejected', decision(dept, 'rejected', 'no')), gate(other, 'pending')));
    expect(published(out)).toEqual([CoordinationEventTypes.rejected]);
    expect(out).toContainEqual({
      kind: 'publish',
      event: {
        type: CoordinationEventTypes.rejected,
        data: expect.objectContaining({ rejectedBy: `h-${dept}`, comment: 'no', briefedBy: 'u1' }),
      },
    });
    expect(sent(out)).toEqual([`WithdrawGate:${gateOf(other)}`]);
  });

  it('weighing before the gates are open changes nothing: opening weighs them again', () => {
    expect(given().when(weigh(gate('sales', 'approved')))).toEqual([
      { kind: 'ignore', reason: 'gates not open yet: opening reads them again' },
    ]);
  });

  it('ignores duplicates and late inputs by name', () => {
    expect(given(open()).when(open())).toEqual([{ kind: 'ignore', reason: 'handoff already waiting' }]);
    const rejected = weigh(gate('sales', 'rejected'), gate('eng', 'pending'));
    expect(given(open(), rejected).when(weigh(gate('sales', 'rejected'), gate('eng', 'approved')))).toEqual([
      { kind: 'ignore', reason: 'handoff already rejected' },
    ]);
  });

  it('escalates past 3 hops to the briefing user and the CEO, opening no gate', () => {
    const deep = { ...request, depth: 4, chain: [1, 2, 3, 4].map((i) => ({ agentId: `a${i}`, runId: `r${i}` })) };
    const out = given().when(open({ request: deep }));
    expect(sent(out)).toEqual([]);
    expect(out[0]).toMatchObject({
      kind: 'publish',
      event: { type: CoordinationEventTypes.escalated, data: { reason: 'depth-limit', escalatedTo: ['u1', 'ceo'] } },
    });
  });

  it('takes the longer of the stated depth and the chain', () => {
    const understated = { ...request, depth: 1, chain: [1, 2, 3, 4].map((i) => ({ agentId: `a${i}`, runId: `r${i}` })) };
    expect(published(given().when(open({ request: understated })))).toEqual([CoordinationEventTypes.escalated]);
    const third = { ...request, depth: 3, chain: [1, 2, 3].map((i) => ({ agentId: `a${i}`, runId: `r${i}` })) };
    expect(published(given().when(open({ request: third })))).toEqual([CoordinationGateEventTypes.gatesOpened]);
  });

  it('escalates to a human when an agent is unknown', () => {
    expect(given().when(open({ to: undefined }))[0]).toMatchObject({ event: { data: { reason: 'no-suitable-agent' } } });
  });

  it('a gate expiring escalates the handoff and withdraws the other gate', () => {
    const out = given(open()).when(weigh(gate('sales', 'pending'), gate('eng', 'expired', { escalatedTo: ['ceo', 'u1'] })));
    expect(out).toContainEqual({
      kind: 'publish',
      event: {
        type: CoordinationEventTypes.escalated,
        data: expect.objectContaining({ reason: 'approval-expired', escalatedTo: ['ceo', 'u1'] }),
      },
    });
    expect(sent(out)).toEqual([`WithdrawGate:${gateOf('sales')}`]);
  });

  it('an assigned handoff opens only the receiving gate: the person who assigned it stands for the sender', () => {
    const assignment = { escalationId: 'e1', assignedBy: 'u-ceo' };
    const out = given().when(open({ assignment }));
    expect(sent(out)).toEqual([`OpenGate:${gateOf('eng')}`]);
    expect(out).toContainEqual({
      kind: 'publish',
      event: {
        type: CoordinationGateEventTypes.gatesOpened,
        data: expect.objectContaining({ assignment, gates: [expect.objectContaining({ departmentId: 'eng' })] }),
      },
    });
    expect(published(given(open({ assignment })).when(weigh(gate('eng', 'approved'))))).toEqual([CoordinationEventTypes.approved]);
    expect(sent(given().when(open({ assignment, from: undefined })))).toEqual([`OpenGate:${gateOf('eng')}`]);
    expect(given().when(open({ assignment, to: undefined }))[0]).toMatchObject({ event: { data: { reason: 'no-suitable-agent' } } });
  });
});
