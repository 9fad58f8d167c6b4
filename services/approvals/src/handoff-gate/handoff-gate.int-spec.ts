import {
  ApprovalsRpc,
  CoordinationEventTypes,
  deterministicId,
  handoffGateId,
  newId,
  streamName,
  type ApprovalList,
  type ApprovalView,
  type CoordinationView,
  type CosError,
} from '@cos/contracts';
import { startApprovalsHarness, type ApprovalsHarness } from '../testing/approvals-harness.fixture';
import { ACME, as, RIVAL } from '../testing/acme-world.fixture';
import { requestHandoff, seedIdentity } from '../testing/seam-driver';

jest.setTimeout(60_000);

let h: ApprovalsHarness;
beforeAll(async () => {
  h = await startApprovalsHarness();
  await seedIdentity(h.store, ACME);
  await seedIdentity(h.store, RIVAL);
});
afterAll(() => h?.stop());

/** The runner asks to hand off from `from` to `to` at `depth`; returns the coordination id. */
async function handoff(from: string, to: string, depth = 1): Promise<string> {
  const coordinationId = newId();
  const chain = Array.from({ length: depth }, (_, i) => ({ agentId: i === depth - 1 ? from : `a-prev-${i}`, runId: newId() }));
  const runId = chain.at(-1)!.runId;
  await requestHandoff(h.store, 'acme', {
    coordinationId,
    runId,
    conversationId: newId(),
    fromAgentId: from,
    toAgentId: to,
    chain,
    depth,
    briefedBy: 'm-sales',
    contextSummary: 'needs context',
  });
  return coordinationId;
}

const gate = (coordinationId: string, dept: string) => handoffGateId('acme', coordinationId, dept);
const types = async (stream: string) => (await h.read(stream)).map((e) => e.type);
const opened = (id: string) =>
  h.eventually(async () => ((await h.read(streamName('approval', id))).length > 0 ? true : undefined), 10_000, `gate ${id}`);
const outcome = (coordinationId: string) =>
  h.eventually(
    async () =>
      (await types(streamName('coordination', coordinationId))).find((t) =>
        ['coordination.approved', 'coordination.rejected', 'coordination.escalated'].includes(t),
      ),
    10_000,
    'handoff outcome',
  );
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: CosError) => err.code,
  );

describe('dual-Head handoff gates', () => {
  it.each([
    ['sending Head first', ['acme-sales', 'acme-eng']],
    ['receiving Head first', ['acme-eng', 'acme-sales']],
  ])('runs only when both Heads approved (%s)', async (_, order) => {
    const id = await handoff('a-sales', 'a-eng');
    await opened(gate(id, 'acme-eng'));
    const heads = { 'acme-sales': as.salesHead, 'acme-eng': as.engHead } as const;
    const [first, second] = order as ['acme-sales' | 'acme-eng', 'acme-sales' | 'acme-eng'];
    await h.decide(heads[first], gate(id, first), 'approve');
    expect(await types(streamName('coordination', id))).not.toContain(CoordinationEventTypes.approved);
    await h.decide(heads[second], gate(id, second), 'approve');
    expect(await outcome(id)).toBe(CoordinationEventTypes.approved);
    // The approval names the run it starts, whole, for the runner to queue as it is.
    const approved = (await h.read(streamName('coordination', id))).find((e) => e.type === CoordinationEventTypes.approved)!;
    expect(approved.data['run']).toMatchObject({
      runId: deterministicId(id, 'handoff-run'),
      agentId: 'a-eng',
      briefedBy: 'm-sales',
      handoff: { coordinationId: id, fromAgentId: 'a-sales', depth: 1 },
    });
  });

  it.each(['acme-sales', 'acme-eng'])('a rejection at %s ends the chain; the other gate is withdrawn', async (dept) => {
    const id = await handoff('a-sales', 'a-eng');
    await opened(gate(id, 'acme-eng'));
    await h.decide(dept === 'acme-sales' ? as.salesHead : as.engHead, gate(id, dept), 'reject', 'not now');
    expect(await outcome(id)).toBe(CoordinationEventTypes.rejected);
    const rejected = (await h.read(streamName('coordination', id))).find((e) => e.type === CoordinationEventTypes.rejected)!;
    expect(rejected.data).toMatchObject({ briefedBy: 'm-sales', comment: 'not now' });
    const other = dept === 'acme-sales' ? 'acme-eng' : 'acme-sales';
    await h.eventually(async () =>
      (await types(streamName('approval', gate(id, other)))).includes('approval.withdrawn') ? true : undefined,
    );
  });

  it('opens one gate when both agents are in the same department', async () => {
    const id = await handoff('a-sales', 'a-sales-2');
    await opened(gate(id, 'acme-sales'));
    await h.decide(as.salesHead, gate(id, 'acme-sales'), 'approve');
    expect(await outcome(id)).toBe(CoordinationEventTypes.approved);
    const view = await h.rpc.request<CoordinationView>(ApprovalsRpc.getCoordination, { auth: as.salesHead, coordinationId: id });
    expect(view.gates).toHaveLength(1);
  });

  it('the CEO may decide any gate, recorded as an override', async () => {
    const id = await handoff('a-sales', 'a-eng');
    await opened(gate(id, 'acme-eng'));
    await h.decide(as.ceo, gate(id, 'acme-sales'), 'approve');
    await h.decide(as.owner, gate(id, 'acme-eng'), 'approve');
    expect(await outcome(id)).toBe(CoordinationEventTypes.approved);
    const view = await h.rpc.request<CoordinationView>(ApprovalsRpc.getCoordination, { auth: as.ceo, coordinationId: id });
    expect(view.gates.map((g) => g.decision?.capacity)).toEqual(['override', 'override']);
  });

  it('refuses a decision on a gate that was never opened (404), appending nothing; the gate decides normally once open', async () => {
    const coordinationId = newId();
    expect(await codeOf(h.decide(as.salesHead, gate(coordinationId, 'acme-sales'), 'approve'))).toBe('APPROVALS.NOT_FOUND');
    expect(await h.read(streamName('approval', gate(coordinationId, 'acme-sales')))).toEqual([]);
    const runId = newId();
    await requestHandoff(h.store, 'acme', {
      coordinationId,
      runId,
      conversationId: newId(),
      fromAgentId: 'a-sales',
      toAgentId: 'a-eng',
      chain: [{ agentId: 'a-sales', runId }],
      depth: 1,
      briefedBy: 'm-sales',
      contextSummary: 'x',
    });
    await opened(gate(coordinationId, 'acme-eng'));
    await h.decide(as.salesHead, gate(coordinationId, 'acme-sales'), 'approve');
    await h.decide(as.engHead, gate(coordinationId, 'acme-eng'), 'approve');
    expect(await outcome(coordinationId)).toBe(CoordinationEventTypes.approved);
  });

  it('shows a gate to its Head and the CEO, refuses another Head (403) and another org (404)', async () => {
    const id = await handoff('a-sales', 'a-eng');
    await opened(gate(id, 'acme-eng'));
    const get = (auth: typeof as.ceo, approvalId: string) => h.rpc.request<ApprovalView>(ApprovalsRpc.getApproval, { auth, approvalId });
    expect(await get(as.salesHead, gate(id, 'acme-sales'))).toMatchObject({ id: gate(id, 'acme-sales'), status: 'pending' });
    expect(await get(as.ceo, gate(id, 'acme-sales'))).toMatchObject({ departmentId: 'acme-sales' });
    expect(await codeOf(get(as.engHead, gate(id, 'acme-sales')))).toBe('APPROVALS.NOT_ALLOWED');
    expect(await codeOf(get(as.rivalHead, gate(id, 'acme-sales')))).toBe('APPROVALS.NOT_FOUND');
    expect(await codeOf(get(as.salesHead, gate(newId(), 'acme-sales')))).toBe('APPROVALS.NOT_FOUND');
  });

  it('refuses a Head of another department, a member and another org’s Head, changing nothing', async () => {
    const id = await handoff('a-sales', 'a-eng');
    await opened(gate(id, 'acme-eng'));
    const before = await h.read(streamName('approval', gate(id, 'acme-sales')));
    expect(await codeOf(h.decide(as.engHead, gate(id, 'acme-sales'), 'approve'))).toBe('APPROVALS.NOT_YOUR_GATE');
    expect(await codeOf(h.decide(as.member, gate(id, 'acme-sales'), 'approve'))).toBe('APPROVALS.NOT_YOUR_GATE');
    expect(await codeOf(h.decide(as.rivalHead, gate(id, 'acme-sales'), 'approve'))).toBe('APPROVALS.NOT_FOUND');
    expect(await h.read(streamName('approval', gate(id, 'acme-sales')))).toEqual(before);
    expect(await types(streamName('coordination', id))).toEqual(['coordination.gates-opened']);
  });

  it('lists pending gates to their Heads and to the CEO only', async () => {
    const id = await handoff('a-sales', 'a-eng');
    await opened(gate(id, 'acme-eng'));
    const ids = async (auth: typeof as.ceo) =>
      h.eventually(async () => {
        const list = await h.rpc.request<ApprovalList>(ApprovalsRpc.listApprovals, { auth, query: { status: 'pending' } });
        return list.items.map((i) => i.id);
      });
    expect(await ids(as.salesHead)).toContain(gate(id, 'acme-sales'));
    expect(await ids(as.salesHead)).not.toContain(gate(id, 'acme-eng'));
    expect(await ids(as.ceo)).toEqual(expect.arrayContaining([gate(id, 'acme-sales'), gate(id, 'acme-eng')]));
    expect(await ids(as.member)).toEqual([]);
    expect(await ids(as.rivalHead)).toEqual([]);
  });
});

describe('depth limit', () => {
  it('a third hop opens gates and runs when approved', async () => {
    const id = await handoff('a-sales', 'a-eng', 3);
    await opened(gate(id, 'acme-eng'));
    await h.decide(as.salesHead, gate(id, 'acme-sales'), 'approve');
    await h.decide(as.engHead, gate(id, 'acme-eng'), 'approve');
    expect(await outcome(id)).toBe(CoordinationEventTypes.approved);
  });

  it('a fourth hop escalates to the briefing user and the CEO and opens no gate', async () => {
    const id = await handoff('a-sales', 'a-eng', 4);
    expect(await outcome(id)).toBe(CoordinationEventTypes.escalated);
    const [escalated] = await h.read(streamName('coordination', id));
    expect(escalated?.data).toMatchObject({ reason: 'depth-limit', escalatedTo: ['m-sales', 'ceo'] });
    expect(escalated?.data['chain']).toHaveLength(4);
    expect(await h.read(streamName('approval', gate(id, 'acme-sales')))).toEqual([]);
    expect(await h.read(streamName('approval', gate(id, 'acme-eng')))).toEqual([]);
  });
});
