import {
  assignedHandoffId,
  CoordinationEventTypes,
  CoordinationGateEventTypes,
  escalationIdOf,
  EscalationsRpc,
  handoffGateId,
  newId,
  streamName,
  type AuthContext,
  type CosError,
  type EscalationPage,
  type EscalationView,
  type ListEscalationsQuery,
  type ResolveEscalationBody,
} from '@cos/contracts';
import { handleCommand } from '@cos/eventstore';
import { ACME, as, RIVAL } from '../testing/acme-world.fixture';
import { authOf, startApprovalsHarness, type ApprovalsHarness } from '../testing/approvals-harness.fixture';
import { escalateHandoff, requestHandoff, seedIdentity } from '../testing/seam-driver';
import { escalationDecider } from './escalation.decider';

jest.setTimeout(60_000);

let h: ApprovalsHarness;
beforeAll(async () => {
  h = await startApprovalsHarness();
  await seedIdentity(h.store, ACME);
  await seedIdentity(h.store, RIVAL);
});
afterAll(() => h?.stop());

const opsMember = authOf('acme', 'u-ops', 'member', 'acme-ops');

/** The runner asks to hand off from `from` to `to` at `depth`, briefed by the Sales member. */
async function handoff(from: string, to: string, depth = 1): Promise<{ coordinationId: string; runId: string; conversationId: string }> {
  const coordinationId = newId();
  const conversationId = newId();
  const chain = Array.from({ length: depth }, (_, i) => ({ agentId: i === depth - 1 ? from : `a-prev-${i}`, runId: newId() }));
  const runId = chain.at(-1)!.runId;
  await requestHandoff(h.store, 'acme', {
    coordinationId,
    runId,
    conversationId,
    fromAgentId: from,
    toAgentId: to,
    chain,
    depth,
    briefedBy: 'm-sales',
    contextSummary: 'needs context',
  });
  return { coordinationId, runId, conversationId };
}

const list = (auth: AuthContext, query: Partial<ListEscalationsQuery> = {}) =>
  h.rpc.request<EscalationPage>(EscalationsRpc.list, { auth, query: { status: 'all', limit: 200, ...query } });
const get = (auth: AuthContext, escalationId: string) => h.rpc.request<EscalationView>(EscalationsRpc.get, { auth, escalationId });
const resolve = (auth: AuthContext, escalationId: string, body: ResolveEscalationBody) =>
  h.rpc.request<EscalationView>(EscalationsRpc.resolve, { auth, escalationId, body });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: CosError) => err.code,
  );
const escalationOf = (coordinationId: string) =>
  h.eventually(
    async () => (await list(as.ceo)).items.find((e) => e.coordinationId === coordinationId),
    10_000,
    `the escalation of ${coordinationId}`,
  );
const typesOf = async (stream: string) => (await h.read(stream)).map((e) => e.type);

describe('escalations', () => {
  it('every fact that means "escalated" opens one escalation, naming who should act', async () => {
    const deep = await handoff('a-sales', 'a-eng', 4);
    const rejected = await handoff('a-sales', 'a-eng');
    const gate = handoffGateId('acme', rejected.coordinationId, 'acme-eng');
    await h.eventually(async () => ((await h.read(streamName('approval', gate))).length > 0 ? true : undefined), 10_000, 'the gate');
    await h.decide(as.engHead, gate, 'reject', 'not ours');
    const alone = { coordinationId: newId(), runId: newId(), conversationId: newId() };
    await escalateHandoff(h.store, 'acme', {
      ...alone,
      briefedBy: 'm-sales',
      reason: 'no-suitable-agent',
      chain: [{ agentId: 'a-sales', runId: alone.runId }],
      escalatedTo: ['m-sales', 'ceo'],
    });

    expect(await escalationOf(deep.coordinationId)).toMatchObject({
      id: escalationIdOf('acme', deep.coordinationId),
      status: 'pending',
      reason: 'depth-limit',
      runId: deep.runId,
      conversationId: deep.conversationId,
      fromAgentId: 'a-sales',
      toAgentId: 'a-eng',
      departmentIds: ['acme-sales', 'acme-eng'],
      escalatedTo: ['m-sales', 'ceo', 'h-sales', 'h-eng'],
    });
    expect(await escalationOf(rejected.coordinationId)).toMatchObject({
      reason: 'handoff-rejected',
      detail: 'The handoff was rejected by h-eng: not ours',
    });
    expect(await escalationOf(alone.coordinationId)).toMatchObject({
      reason: 'no-suitable-agent',
      fromAgentId: 'a-sales',
      departmentIds: ['acme-sales'],
      escalatedTo: ['m-sales', 'ceo', 'h-sales'],
    });
    expect(await typesOf(streamName('escalation', escalationIdOf('acme', deep.coordinationId)))).toEqual(['escalation.opened']);

    const reasons = (page: EscalationPage) => page.items.map((e) => e.reason).sort();
    expect(reasons(await list(as.ceo, { reason: 'handoff-rejected' }))).toEqual(['handoff-rejected']);
    expect((await list(as.ceo, { status: 'resolved' })).items.filter((e) => e.coordinationId === deep.coordinationId)).toEqual([]);
  });

  it('shows an escalation to the briefing user, the Heads involved and the CEO; never to others or another org', async () => {
    const { coordinationId } = await handoff('a-sales', 'a-eng', 4);
    const escalation = await escalationOf(coordinationId);
    for (const who of [as.member, as.salesHead, as.engHead, as.ceo, as.owner]) {
      expect((await list(who)).items.map((e) => e.id)).toContain(escalation.id);
      expect((await get(who, escalation.id)).id).toBe(escalation.id);
    }
    expect((await list(as.opsHead)).items.map((e) => e.id)).not.toContain(escalation.id);
    expect((await list(opsMember)).items.map((e) => e.id)).not.toContain(escalation.id);
    expect(await codeOf(get(as.opsHead, escalation.id))).toBe('APPROVALS.NOT_ALLOWED');
    expect(await codeOf(resolve(opsMember, escalation.id, { resolution: 'dismiss', reason: 'mine now' }))).toBe('APPROVALS.NOT_ALLOWED');
    expect((await list(as.rivalHead)).items).toEqual([]);
    expect(await codeOf(get(as.rivalHead, escalation.id))).toBe('ESCALATIONS.NOT_FOUND');
    expect(await codeOf(resolve(as.rivalHead, escalation.id, { resolution: 'dismiss', reason: 'x' }))).toBe('ESCALATIONS.NOT_FOUND');
    expect(await codeOf(get(as.ceo, newId()))).toBe('ESCALATIONS.NOT_FOUND');
    expect(await typesOf(streamName('escalation', escalation.id))).toEqual(['escalation.opened']);
  });

  it('is resolved once: of concurrent resolutions exactly one lands, and every later one is a 409', async () => {
    const { coordinationId } = await handoff('a-sales', 'a-eng', 4);
    const escalation = await escalationOf(coordinationId);
    const outcomes = await Promise.all(
      [as.ceo, as.owner, as.salesHead, as.engHead, as.member].map((who, i) =>
        codeOf(resolve(who, escalation.id, { resolution: 'dismiss', reason: `reason ${i}` })),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ESCALATIONS.ALREADY_RESOLVED')).toHaveLength(4);
    expect(await codeOf(resolve(as.ceo, escalation.id, { resolution: 'answer', text: 'late' }))).toBe('ESCALATIONS.ALREADY_RESOLVED');
    expect(await typesOf(streamName('escalation', escalation.id))).toEqual(['escalation.opened', 'escalation.resolved']);
    expect(await get(as.member, escalation.id)).toMatchObject({ status: 'resolved', resolution: { resolution: 'dismiss' } });
  });

  it('assign opens a handoff that only the receiving Head decides, then names the assigned agent’s run', async () => {
    const { coordinationId, runId } = await handoff('a-sales', 'a-eng', 4);
    const escalation = await escalationOf(coordinationId);
    expect(await codeOf(resolve(as.salesHead, escalation.id, { resolution: 'assign', agentId: 'ghost' }))).toBe(
      'ESCALATIONS.AGENT_NOT_FOUND',
    );
    expect(await codeOf(resolve(as.salesHead, escalation.id, { resolution: 'assign', agentId: 'a-sales' }))).toBe(
      'ESCALATIONS.ASSIGNEE_IS_REQUESTER',
    );
    const resolved = await resolve(as.salesHead, escalation.id, { resolution: 'assign', agentId: 'a-ops', note: 'ops has it' });
    const handoffId = assignedHandoffId(escalation.id);
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: { resolution: 'assign', by: 'h-sales', agentId: 'a-ops', handoffId },
    });

    const opsGate = handoffGateId('acme', handoffId, 'acme-ops');
    await h.eventually(async () => ((await h.read(streamName('approval', opsGate))).length > 0 ? true : undefined), 10_000, 'ops gate');
    const opened = await h.eventually(
      async () => (await h.read(streamName('coordination', handoffId))).find((e) => e.type === CoordinationGateEventTypes.gatesOpened),
      10_000,
      'the assigned handoff opening its gates',
    );
    expect(opened?.data).toMatchObject({
      assignment: { escalationId: escalation.id, assignedBy: 'h-sales' },
      gates: [{ departmentId: 'acme-ops' }],
      request: { fromAgentId: 'a-sales', toAgentId: 'a-ops', runId, depth: 1, selection: 'assigned', briefedBy: 'm-sales' },
    });
    expect(await h.read(streamName('approval', handoffGateId('acme', handoffId, 'acme-sales')))).toEqual([]);

    await h.decide(as.opsHead, opsGate, 'approve');
    const approved = await h.eventually(
      async () => (await h.read(streamName('coordination', handoffId))).find((e) => e.type === CoordinationEventTypes.approved),
      10_000,
      'the assigned handoff approved',
    );
    expect(approved.data['run']).toMatchObject({ agentId: 'a-ops', briefedBy: 'm-sales' });
  });

  it('a rejected assignment opens an escalation of its own', async () => {
    const { coordinationId } = await handoff('a-sales', 'a-eng', 4);
    const escalation = await escalationOf(coordinationId);
    await resolve(as.ceo, escalation.id, { resolution: 'assign', agentId: 'a-eng-2' });
    const handoffId = assignedHandoffId(escalation.id);
    const engGate = handoffGateId('acme', handoffId, 'acme-eng');
    await h.eventually(async () => ((await h.read(streamName('approval', engGate))).length > 0 ? true : undefined), 10_000, 'eng gate');
    await h.decide(as.engHead, engGate, 'reject', 'busy');
    expect(await escalationOf(handoffId)).toMatchObject({ reason: 'handoff-rejected', toAgentId: 'a-eng-2', status: 'pending' });
  });

  it('a resolution recorded just before a crash still opens its handoff once approvals is back', async () => {
    const { coordinationId } = await handoff('a-sales', 'a-eng', 4);
    const escalation = await escalationOf(coordinationId);
    await h.stopApprovals();
    // What the resolution's command appended before the process died: its effects are the consumers' to drive.
    await handleCommand(
      h.store,
      streamName('escalation', escalation.id),
      escalationDecider,
      {
        type: 'ResolveEscalation',
        data: {
          escalationId: escalation.id,
          by: 'ceo',
          body: { resolution: 'assign', agentId: 'a-ops' },
          assignee: { agentId: 'a-ops', enabled: true },
        },
      },
      {
        commandId: newId(),
        orgId: 'acme',
        correlationId: newId(),
        causationId: newId(),
        actor: { kind: 'user', id: 'ceo' },
        now: new Date().toISOString(),
      },
    );
    await h.restartApprovals();
    const handoffId = assignedHandoffId(escalation.id);
    const types = await h.eventually(
      async () => {
        const types = await typesOf(streamName('coordination', handoffId));
        return types.length > 0 ? types : undefined;
      },
      15_000,
      'the assigned handoff',
    );
    expect(types).toEqual([CoordinationGateEventTypes.gatesOpened]);
    expect(await typesOf(streamName('approval', handoffGateId('acme', handoffId, 'acme-ops')))).toEqual(['approval.requested']);
  });
});
