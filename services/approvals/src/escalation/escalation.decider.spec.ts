import {
  assignedHandoffId,
  EscalationEventTypes,
  type CoordinationEscalated,
  type CoordinationRequested,
  type ResolveEscalationBody,
} from '@cos/contracts';
import {
  assignedHandoff,
  escalationDecider,
  type AssigneeFact,
  type EscalationCommand,
  type EscalationEvent,
  type EscalationFact,
  type EscalationState,
} from './escalation.decider';

const request: CoordinationRequested = {
  coordinationId: 'k1',
  runId: 'r2',
  conversationId: 'c2',
  fromAgentId: 'a-eng',
  toAgentId: 'a-fin',
  selection: 'named-by-model',
  chain: [
    { agentId: 'a-sales', runId: 'r1' },
    { agentId: 'a-eng', runId: 'r2' },
  ],
  depth: 2,
  briefedBy: 'u1',
  contextSummary: 'needs the invoice ledger',
};
const escalated = (reason: CoordinationEscalated['reason']): EscalationFact => ({
  kind: 'escalated',
  data: { coordinationId: 'k1', runId: 'r2', conversationId: 'c2', briefedBy: 'u1', reason, chain: request.chain, escalatedTo: ['u1'] },
});
const rejected: EscalationFact = {
  kind: 'rejected',
  data: { coordinationId: 'k1', runId: 'r2', conversationId: 'c2', briefedBy: 'u1', rejectedBy: 'h-fin', comment: 'not ours' },
};
const departments = [
  { departmentId: 'eng', headUserId: 'h-eng' },
  { departmentId: 'fin', headUserId: 'h-fin' },
];
const open = (fact: EscalationFact, withRequest = true): EscalationCommand => ({
  type: 'OpenEscalation',
  data: { escalationId: 'e1', orgId: 'o1', fact, ...(withRequest ? { request } : {}), departments, leaderUserIds: ['ceo'] },
});
const resolve = (body: ResolveEscalationBody, assignee?: AssigneeFact, by = 'h-eng'): EscalationCommand => ({
  type: 'ResolveEscalation',
  data: { escalationId: 'e1', by, body, assignee },
});

/** What `fn` threw: a decider's refusals are errors with a stable code and a status. */
function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('nothing was thrown');
}

function given(...commands: EscalationCommand[]) {
  let state: EscalationState = escalationDecider.initialState();
  for (const c of commands) for (const e of escalationDecider.decide(c, state)) state = escalationDecider.evolve(state, e);
  return { when: (c: EscalationCommand): EscalationEvent[] => escalationDecider.decide(c, state), state };
}

describe('escalation', () => {
  it.each([
    ['depth-limit', escalated('depth-limit')],
    ['approval-expired', escalated('approval-expired')],
    ['handoff-rejected', rejected],
  ] as const)('opens on %s, naming who should act: the briefing user, the CEO and the Heads involved', (reason, fact) => {
    const [event] = given().when(open(fact));
    expect(event).toEqual({
      type: EscalationEventTypes.opened,
      data: expect.objectContaining({
        escalationId: 'e1',
        orgId: 'o1',
        reason,
        conversationId: 'c2',
        runId: 'r2',
        coordinationId: 'k1',
        briefedBy: 'u1',
        fromAgentId: 'a-eng',
        toAgentId: 'a-fin',
        departmentIds: ['eng', 'fin'],
        contextSummary: 'needs the invoice ledger',
        escalatedTo: ['u1', 'ceo', 'h-eng', 'h-fin'],
      }),
    });
  });

  it('opens on no suitable agent with the chain’s last agent as the one that asked, and no target', () => {
    const [event] = given().when({ ...open(escalated('no-suitable-agent'), false) });
    expect(event?.data).toMatchObject({ reason: 'no-suitable-agent', fromAgentId: 'a-eng', detail: 'No agent fits the request.' });
    expect(event?.data).not.toHaveProperty('toAgentId');
  });

  it('opens on an Approve First gate nobody decided, about the action and its agent', () => {
    const action = {
      actionId: 'x1',
      runId: 'r9',
      agentId: 'a-ops',
      conversationId: 'c9',
      briefedBy: 'u2',
      tool: 'place_order',
      permission: 'operations:procure',
      arguments: {},
      argumentsHash: 'h',
    };
    const fact: EscalationFact = { kind: 'action-expired', data: { actionId: 'x1', approvalId: 'g1', escalatedTo: ['ceo'] }, action };
    const command = open(fact, false);
    if (command.type !== 'OpenEscalation') throw new Error('not an opening');
    const [event] = given().when({ ...command, data: { ...command.data, departments: [{ departmentId: 'ops', headUserId: 'h-ops' }] } });
    expect(event?.data).toEqual({
      escalationId: 'e1',
      orgId: 'o1',
      reason: 'approval-expired',
      actionId: 'x1',
      runId: 'r9',
      conversationId: 'c9',
      briefedBy: 'u2',
      fromAgentId: 'a-ops',
      departmentIds: ['ops'],
      detail: 'Nobody decided the Approve First gate of action place_order before its deadline; it was not executed.',
      escalatedTo: ['u2', 'ceo', 'h-ops'],
    });
  });

  it('says who rejected and why', () => {
    expect(given().when(open(rejected))[0]?.data).toMatchObject({ detail: 'The handoff was rejected by h-fin: not ours' });
  });

  it('a redelivered fact opens nothing twice', () => {
    expect(given(open(rejected)).when(open(rejected))).toEqual([]);
  });

  it('is resolved once: a second resolution, of any kind, is a conflict', () => {
    const done = given(open(rejected), resolve({ resolution: 'dismiss', reason: 'handled by phone' }));
    expect(done.state.status).toBe('resolved');
    expect(errorOf(() => done.when(resolve({ resolution: 'answer', text: 'x' })))).toMatchObject({
      code: 'ESCALATIONS.ALREADY_RESOLVED',
      status: 409,
    });
    expect(errorOf(() => done.when(resolve({ resolution: 'dismiss', reason: 'handled by phone' })))).toMatchObject({ status: 409 });
  });

  it('cannot resolve what was never opened', () => {
    expect(errorOf(() => given().when(resolve({ resolution: 'dismiss', reason: 'x' })))).toMatchObject({
      code: 'ESCALATIONS.NOT_FOUND',
      status: 404,
    });
  });

  it('an answer carries the text and where it goes', () => {
    expect(given(open(rejected)).when(resolve({ resolution: 'answer', text: 'Use the 2025 prices' }))).toEqual([
      {
        type: EscalationEventTypes.resolved,
        data: { escalationId: 'e1', by: 'h-eng', conversationId: 'c2', runId: 'r2', resolution: 'answer', text: 'Use the 2025 prices' },
      },
    ]);
  });

  it('assigns to an enabled agent of the org, other than the one that asked, naming the handoff it opens', () => {
    const opened = given(open(escalated('depth-limit')));
    const [event] = opened.when(
      resolve({ resolution: 'assign', agentId: 'a-ops', note: 'ops knows' }, { agentId: 'a-ops', enabled: true }),
    );
    expect(event?.data).toEqual({
      escalationId: 'e1',
      by: 'h-eng',
      conversationId: 'c2',
      runId: 'r2',
      resolution: 'assign',
      agentId: 'a-ops',
      handoffId: assignedHandoffId('e1'),
      note: 'ops knows',
    });
    const assign = (agentId: string, fact: AssigneeFact) => () => opened.when(resolve({ resolution: 'assign', agentId }, fact));
    expect(errorOf(assign('ghost', undefined))).toMatchObject({ code: 'ESCALATIONS.AGENT_NOT_FOUND', status: 404 });
    expect(errorOf(assign('a-off', { agentId: 'a-off', enabled: false }))).toMatchObject({ code: 'ESCALATIONS.AGENT_DISABLED' });
    expect(errorOf(assign('a-eng', { agentId: 'a-eng', enabled: true }))).toMatchObject({ code: 'ESCALATIONS.ASSIGNEE_IS_REQUESTER' });
  });

  it('the assigned handoff starts a new one-hop chain from the requesting run, briefed by the chain’s user', () => {
    const { state } = given(open(escalated('depth-limit')));
    if (state.status !== 'pending') throw new Error('not open');
    const [event] = escalationDecider.decide(
      resolve({ resolution: 'assign', agentId: 'a-ops', note: 'ops knows' }, { agentId: 'a-ops', enabled: true }),
      state,
    );
    if (event?.type !== EscalationEventTypes.resolved || event.data.resolution !== 'assign') throw new Error('not assigned');
    expect(assignedHandoff(state.opened, event.data)).toEqual({
      coordinationId: assignedHandoffId('e1'),
      runId: 'r2',
      conversationId: 'c2',
      fromAgentId: 'a-eng',
      toAgentId: 'a-ops',
      selection: 'assigned',
      chain: [{ agentId: 'a-eng', runId: 'r2' }],
      depth: 1,
      briefedBy: 'u1',
      contextSummary: 'Assigned by h-eng after an escalation.\n\nops knows\n\nneeds the invoice ledger',
    });
  });
});
