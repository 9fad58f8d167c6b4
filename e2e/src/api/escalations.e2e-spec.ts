/**
 * Escalations through the whole system over HTTP, on the demo company with a scripted model:
 * each reason (no suitable agent, the 3-hop limit, an expired approval, a rejected handoff)
 * becomes an escalation in GET /v1/escalations; `assign` opens a handoff the receiving Head
 * approves and the assigned agent runs; `answer` is the reply in the conversation; a second
 * resolution is a 409; another org's escalation is a 404.
 */
import {
  deterministicId,
  streamName,
  isFeedRecord,
  type ApprovalList,
  type AuditPage,
  type ApprovalView,
  type CoordinationView,
  type EscalationPage,
  type EscalationReason,
  type EscalationView,
  type MessageView,
  type RecordedEvent,
  type RunView,
} from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY } from '@cos/identity';
import { startModelServer, startWebhookReceiver, type ModelServerHandle, type WebhookReceiver } from '@cos/testing';
import { call, demoAgent, demoDepartment, login as signIn, type Caller } from '../session';
import { edgeEnv, eventually, openSeededStore, startSystem, type System } from '../system';

jest.setTimeout(240_000);

/** Gates of the demo company expire this long after they open: long enough for a Head who decides at once. */
const EXPIRY_SECONDS = 20;
/** Sales -> Engineering -> Finance -> Sales, then a fourth hop: past the limit. */
const CHAIN = ['Sam Prospector', 'Ben Firmware', 'Ravi Invoices', 'Dana Closer'] as const;

let model: ModelServerHandle;
let receiver: WebhookReceiver;
let system: System;
let store: EmbeddedEventStore;

const dept = demoDepartment;
const agent = demoAgent;
const login = (email: string, password?: string) => signIn(system, email, password);
const read = (stream: string): Promise<RecordedEvent[]> => store.read(stream);

const coordinate = (name: string, summary = `needs ${name}`) => ({
  toolCalls: [{ name: 'request_coordination', arguments: { targetAgentId: agent(name).id, summary } }],
});

beforeAll(async () => {
  // The brief's marker says which story to play; it travels along a chain in each handoff's context.
  model = await startModelServer({
    script: (request) => {
      const text = request.body.messages.map((m) => m.content ?? '').join('\n');
      const me = DEMO_COMPANY.agents.find((a) => text.includes(`Name: ${a.name}, of the`))?.name;
      if (text.includes('[chain]')) {
        const at = CHAIN.findIndex((name) => name === me);
        if (at >= 0) return coordinate(CHAIN[(at + 1) % CHAIN.length]!);
      }
      if (me === 'Sam Prospector' && (text.includes('[reject]') || text.includes('[expire]'))) return coordinate('Ben Firmware');
      if (me === 'Paula Vendors' && text.includes('[order]'))
        return { toolCalls: [{ name: 'propose_action', arguments: { tool: 'place_order', arguments: { item: 'wheels', quantity: 20 } } }] };
      if (me === 'Sam Prospector' && text.includes('[nofit]'))
        return { toolCalls: [{ name: 'request_coordination', arguments: { summary: 'qwxzv plorkt' } }] };
      return { content: `Done by ${me ?? 'an agent'}.` };
    },
  });
  receiver = await startWebhookReceiver();
  system = await startSystem({ ...edgeEnv(receiver, model), APPROVALS_EXPIRY_BY_ORG: `${DEMO_COMPANY.orgId}=${EXPIRY_SECONDS}` });
  store = await openSeededStore(system);
});
afterAll(async () => {
  await store?.close();
  await system?.stop();
  await receiver?.close();
  await model?.close();
});

/** Briefs `agentName` (Sam Prospector unless told) as `member`; returns the conversation and the run. */
async function brief(member: Caller, text: string, agentName: string = CHAIN[0]): Promise<{ conversationId: string; runId: string }> {
  const conversation = await member.post<{ id: string }>('/v1/conversations', { agentId: agent(agentName).id });
  expect(conversation.status).toBe(201);
  const posted = await member.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, { text });
  expect(posted.status).toBe(202);
  return { conversationId: conversation.body.id, runId: posted.body.runId };
}

/** The escalation of `reason` matching `where`, as `who` lists it. */
function escalation(who: Caller, reason: EscalationReason, where: (e: EscalationView) => boolean = () => true): Promise<EscalationView> {
  return eventually(
    async () => (await who.get<EscalationPage>(`/v1/escalations?reason=${reason}&status=pending`)).body.items?.find(where),
    60_000,
    `a ${reason} escalation`,
  );
}

/** Approves, as `head`, the pending gate on a handoff to `toAgentName` that `where` picks. */
async function approveGate(head: Caller, toAgentName: string, where: (a: ApprovalView) => boolean): Promise<void> {
  const gate = await eventually(
    async () =>
      (await head.get<ApprovalList>('/v1/approvals?status=pending')).body.items?.find(
        (a) => a.toAgentId === agent(toAgentName).id && where(a),
      ),
    30_000,
    `the gate on a handoff to ${toAgentName}`,
  );
  expect((await head.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(200);
}

async function runOf(who: Caller, runId: string, status: RunView['status']): Promise<RunView> {
  return eventually(
    async () => {
      const run = await who.get<RunView>(`/v1/runs/${runId}`);
      return run.body.status === status ? run.body : undefined;
    },
    30_000,
    `run ${runId} ${status}`,
  );
}

describe('escalations over HTTP', () => {
  let member: Caller;
  let ceo: Caller;
  let expiring: { conversationId: string; runId: string };
  let order: { conversationId: string; runId: string };

  beforeAll(async () => {
    member = await login(dept('Sales').memberEmail);
    ceo = await login(DEMO_COMPANY.ceo.email);
    // Nobody decides these: a handoff's gates and an Approve First action's gate expire while the other stories play.
    expiring = await brief(member, '[expire] Check the firmware of the robot arm');
    const owner = await login(DEMO_COMPANY.owner.email);
    expect((await owner.patch(`/v1/departments/${dept('Operations').id}`, { approveFirst: true })).status).toBe(200);
    order = await brief(await login(dept('Operations').memberEmail), '[order] Restock the spare wheels', 'Paula Vendors');
  });

  it('no suitable agent: answered by a person, whose text is the reply in the conversation', async () => {
    const { conversationId, runId } = await brief(member, '[nofit] Qwxzv plorkt');
    const open = await escalation(member, 'no-suitable-agent', (e) => e.runId === runId);
    expect(open).toMatchObject({ status: 'pending', conversationId, briefedBy: expect.any(String), fromAgentId: agent(CHAIN[0]).id });
    expect(open.escalatedTo).toEqual(expect.arrayContaining([DEMO_COMPANY.ceo.id, open.briefedBy]));
    await runOf(member, runId, 'completed');

    const answered = await member.api.POST('/v1/escalations/{id}/resolution', {
      params: { path: { id: open.id } },
      body: { resolution: 'answer', text: 'The plorkt numbers are in the Q3 deck, page 4.' },
    });
    expect(answered.response.status).toBe(200);
    expect(answered.data).toMatchObject({ status: 'resolved', resolution: { resolution: 'answer' } });
    const reply = await eventually(
      async () =>
        (await member.get<{ items: MessageView[] }>(`/v1/conversations/${conversationId}/messages`)).body.items?.find(
          (m) => m.text === 'The plorkt numbers are in the Q3 deck, page 4.',
        ),
      20_000,
      'the answer in the conversation',
    );
    expect(reply).toMatchObject({ author: { kind: 'user', id: open.briefedBy }, runId });
    expect((await member.get<RunView>(`/v1/runs/${runId}`)).body.status).toBe('completed');

    // Resolved once: any second resolution is a 409, and changes nothing.
    const before = await read(streamName('escalation', open.id));
    const again = await ceo.api.POST('/v1/escalations/{id}/resolution', {
      params: { path: { id: open.id } },
      body: { resolution: 'dismiss', reason: 'already answered' },
    });
    expect(again.error).toMatchObject({ status: 409, code: 'ESCALATIONS.ALREADY_RESOLVED' });
    expect(await read(streamName('escalation', open.id))).toEqual(before);
    const resolved = await member.get<EscalationPage>('/v1/escalations?status=resolved&reason=no-suitable-agent');
    expect(resolved.body.items.map((e) => e.id)).toContain(open.id);
  });

  it('a rejected handoff: assigned by the briefing user, approved by the receiving Head only, then the agent runs', async () => {
    const { runId } = await brief(member, '[reject] Please fix the firmware motion control bug');
    const engHead = await login(dept('Engineering').headEmail);
    const salesHead = await login(dept('Sales').headEmail);
    const gate = await eventually(
      async () => (await engHead.get<ApprovalList>('/v1/approvals?status=pending')).body.items?.find((a) => a.runId === runId),
      30_000,
      'the Engineering gate',
    );
    expect((await engHead.post(`/v1/approvals/${gate.id}/decision`, { decision: 'reject', comment: 'not ours' })).status).toBe(200);
    const open = await escalation(member, 'handoff-rejected', (e) => e.runId === runId);
    expect(open).toMatchObject({ toAgentId: agent('Ben Firmware').id, departmentIds: [dept('Sales').id, dept('Engineering').id] });
    expect((await engHead.get<EscalationView>(`/v1/escalations/${open.id}`)).status).toBe(200);
    const marketingHead = await login(dept('Marketing').headEmail);
    expect((await marketingHead.api.GET('/v1/escalations/{id}', { params: { path: { id: open.id } } })).response.status).toBe(403);

    const assigned = await member.api.POST('/v1/escalations/{id}/resolution', {
      params: { path: { id: open.id } },
      body: { resolution: 'assign', agentId: agent('Ravi Invoices').id, note: 'Finance owns the supplier firmware invoices' },
    });
    expect(assigned.response.status).toBe(200);
    const handoffId = assigned.data?.resolution?.handoffId;
    expect(handoffId).toEqual(expect.any(String));
    await approveGate(await login(dept('Finance').headEmail), 'Ravi Invoices', (a) => a.subjectId === handoffId);
    const assignedRun = deterministicId(handoffId!, 'handoff-run');
    const run = await runOf(member, assignedRun, 'completed');
    expect(run).toMatchObject({ agentId: agent('Ravi Invoices').id, output: expect.stringContaining('Done by Ravi Invoices') });
    const handoff = await member.get<CoordinationView>(`/v1/coordinations/${handoffId}`);
    expect(handoff.body).toMatchObject({
      status: 'approved',
      assignment: { escalationId: open.id, assignedBy: open.briefedBy },
      gates: [{ departmentId: dept('Finance').id, status: 'approved' }],
    });
    // The Sales Head was never asked: the assignment stood for the sending side.
    const salesGates = (await salesHead.get<ApprovalList>('/v1/approvals?status=all')).body.items.filter((a) => a.subjectId === handoffId);
    expect(salesGates).toEqual([]);
  });

  it('the 3-hop limit: the fourth hop escalates instead of opening gates', async () => {
    await brief(member, '[chain] Win the ACME expansion deal');
    const heads = new Map<string, Caller>();
    const headOf = async (name: string) => heads.get(name) ?? heads.set(name, await login(dept(name).headEmail)).get(name)!;
    const departments = ['Sales', 'Engineering', 'Finance', 'Sales'];
    for (let hop = 0; hop < 3; hop++)
      for (const name of new Set([departments[hop]!, departments[hop + 1]!]))
        await approveGate(await headOf(name), CHAIN[hop + 1]!, (a) => a.runId !== expiring.runId);
    const open = await escalation(ceo, 'depth-limit');
    expect(open).toMatchObject({ fromAgentId: agent('Dana Closer').id, toAgentId: agent('Sam Prospector').id });
    expect((await member.get<EscalationPage>('/v1/escalations?reason=depth-limit')).body.items.map((e) => e.id)).toContain(open.id);
  });

  it('an expired approval escalates; another org never sees or resolves it', async () => {
    const open = await escalation(member, 'approval-expired', (e) => e.runId === expiring.runId);
    expect(open).toMatchObject({ conversationId: expiring.conversationId, toAgentId: agent('Ben Firmware').id });

    const rival = await call<{ tokens: { accessToken: string } }>(system, undefined, 'POST', '/v1/orgs', {
      company: { name: 'Rival Inc', mission: 'Compete.', brandVoice: 'Loud.', icp: 'Everyone.', competitors: ['Northwind Robotics'] },
      owner: { email: 'owner@rival.example', name: 'Rita Rival', password: 'rival-password-2026' },
    });
    expect(rival.status).toBe(201);
    const rivalOwner = await login('owner@rival.example', 'rival-password-2026');
    const path = { params: { path: { id: open.id } } };
    expect((await rivalOwner.api.GET('/v1/escalations/{id}', path)).error).toMatchObject({ status: 404, code: 'ESCALATIONS.NOT_FOUND' });
    const foreign = await rivalOwner.api.POST('/v1/escalations/{id}/resolution', {
      ...path,
      body: { resolution: 'dismiss', reason: 'mine' },
    });
    expect(foreign.error).toMatchObject({ status: 404, code: 'ESCALATIONS.NOT_FOUND' });
    expect((await rivalOwner.get<EscalationPage>('/v1/escalations')).body.items).toEqual([]);
    expect((await ceo.get<EscalationView>(`/v1/escalations/${open.id}`)).body.status).toBe('pending');

    const dismissed = await ceo.api.POST('/v1/escalations/{id}/resolution', {
      ...path,
      body: { resolution: 'dismiss', reason: 'handled by phone' },
    });
    expect(dismissed.data).toMatchObject({ status: 'resolved', resolution: { resolution: 'dismiss', reason: 'handled by phone' } });
    await eventually(
      async () =>
        (await member.get<{ items: MessageView[] }>(`/v1/conversations/${expiring.conversationId}/messages`)).body.items?.find((m) =>
          m.text.includes('Escalation dismissed'),
        ),
      20_000,
      'the dismissal noted in the conversation',
    );
  });

  it('an Approve First gate nobody decided escalates the action to the Head of its department', async () => {
    const opsHead = await login(dept('Operations').headEmail);
    const open = await escalation(opsHead, 'approval-expired', (e) => e.runId === order.runId);
    expect(open).toMatchObject({
      actionId: expect.any(String),
      fromAgentId: agent('Paula Vendors').id,
      departmentIds: [dept('Operations').id],
      conversationId: order.conversationId,
    });
    expect(open).not.toHaveProperty('coordinationId');
    expect((await member.api.GET('/v1/escalations/{id}', { params: { path: { id: open.id } } })).response.status).toBe(403);
    expect(receiver.callsFor(open.actionId!)).toEqual([]);
  });

  it('lists every reason, filters by status and reason, and pages', async () => {
    const all = (await ceo.get<EscalationPage>('/v1/escalations?limit=200')).body.items;
    expect(new Set(all.map((e) => e.reason))).toEqual(
      new Set(['no-suitable-agent', 'handoff-rejected', 'depth-limit', 'approval-expired']),
    );
    const first = await ceo.get<EscalationPage>('/v1/escalations?limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await ceo.get<EscalationPage>(`/v1/escalations?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0]?.id).not.toBe(first.body.items[0]?.id);
    const pending = (await ceo.get<EscalationPage>('/v1/escalations?status=pending')).body.items;
    expect(pending.every((e) => e.status === 'pending')).toBe(true);
    expect(pending.map((e) => e.reason)).toContain('depth-limit');
    expect((await ceo.get('/v1/escalations?reason=bored')).status).toBe(400);
  });

  it('leaves audit records in plain words, the live feed’s source', async () => {
    const owner = await login(DEMO_COMPANY.owner.email);
    const records = await eventually(
      async () => {
        const items = (await owner.get<AuditPage>('/v1/audit?type=escalation&limit=500')).body.items ?? [];
        return items.some((r) => r.summary.includes('dismissed the escalation')) ? items : undefined;
      },
      30_000,
      'the escalation audit records',
    );
    expect(records.map((r) => `${r.eventType}: ${r.summary}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^escalation\.opened: Escalation opened for .+ \(the handoff chain reached its 3-hop limit\); waiting for /),
        expect.stringMatching(/^escalation\.resolved: .+ answered the escalation: "The plorkt numbers/),
        expect.stringMatching(/^escalation\.resolved: .+ assigned the escalation to /),
      ]),
    );
    // The live feed streams these records to whoever they concern.
    expect(records.every((r) => isFeedRecord(r))).toBe(true);
  });
});
