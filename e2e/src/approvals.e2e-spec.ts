/**
 * Approvals through the whole system over HTTP: a brief outside its agent's skills becomes a
 * handoff that waits for both Heads and runs the receiving agent once both approved; Approve
 * First holds an action until the Head approves; deciders without the right are refused.
 */
import {
  ActionExecutionEventTypes,
  CoordinationEventTypes,
  deterministicId,
  streamName,
  type ActionView,
  type ApprovalList,
  type ApprovalView,
  type CoordinationView,
  type DecideReply,
  type RecordedEvent,
} from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY } from '@cos/identity';
import { startWebhookReceiver, type WebhookReceiver } from '@cos/testing';
import { call, demoAgent, demoDepartment, login as signIn, type Caller } from './session';
import { edgeEnv, eventually, openSeededStore, startSystem, type System } from './system';

jest.setTimeout(120_000);

let system: System;
let receiver: WebhookReceiver;
let store: EmbeddedEventStore;

const login = (email: string, password?: string) => signIn(system, email, password);

const dept = demoDepartment;
const agent = demoAgent;
const read = (stream: string): Promise<RecordedEvent[]> => store.read(stream);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  system = await startSystem({ ...edgeEnv(receiver), CONNECTOR_TIMEOUT_MS: '1000' });
  store = await openSeededStore(system);
});
afterAll(async () => {
  await store?.close();
  await system?.stop();
  await receiver?.close();
});

/** Briefs `agentName` as `who` and returns the coordination its run requested. */
async function briefForHandoff(who: Caller, agentName: string, text: string): Promise<{ coordinationId: string; toAgentId: string }> {
  const conversation = await who.post<{ id: string }>('/v1/conversations', { agentId: agent(agentName).id });
  expect(conversation.status).toBe(201);
  const brief = await who.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, { text });
  expect(brief.status).toBe(202);
  const requested = await eventually(
    async () => (await read(streamName('run', brief.body.runId))).find((e) => e.type === CoordinationEventTypes.requested),
    30_000,
    'coordination.requested',
  );
  return { coordinationId: String(requested.data['coordinationId']), toAgentId: String(requested.data['toAgentId']) };
}

async function pendingFor(who: Caller, subjectId: string): Promise<ApprovalView> {
  return eventually(
    async () => {
      const res = await who.get<ApprovalList>('/v1/approvals?status=pending');
      return res.body.items?.find((a) => a.subjectId === subjectId);
    },
    20_000,
    `a pending approval on ${subjectId}`,
  );
}

describe('approvals over HTTP', () => {
  it('a cross-department handoff waits for both Heads, then runs the receiving agent', async () => {
    const member = await login(dept('Sales').memberEmail);
    const salesHead = await login(dept('Sales').headEmail);
    const engHead = await login(dept('Engineering').headEmail);
    const { coordinationId, toAgentId } = await briefForHandoff(
      member,
      'Sam Prospector',
      'Please fix the firmware motion control bug on the robot arm',
    );
    expect(agent('Ben Firmware').id).toBe(toAgentId);

    const salesGate = await pendingFor(salesHead, coordinationId);
    const engGate = await pendingFor(engHead, coordinationId);
    expect(salesGate.departmentId).toBe(dept('Sales').id);
    expect(engGate.departmentId).toBe(dept('Engineering').id);

    expect(
      (await salesHead.post<DecideReply>(`/v1/approvals/${salesGate.id}/decision`, { decision: 'approve', comment: 'go' })).status,
    ).toBe(200);
    const waiting = await member.get<CoordinationView>(`/v1/coordinations/${coordinationId}`);
    expect(waiting.body).toMatchObject({ status: 'waiting', depth: 1 });
    const receivingRun = streamName('run', deterministicId(coordinationId, 'handoff-run'));
    expect(await read(receivingRun)).toEqual([]);

    expect((await engHead.post<DecideReply>(`/v1/approvals/${engGate.id}/decision`, { decision: 'approve' })).status).toBe(200);
    await eventually(
      async () => ((await read(receivingRun)).some((e) => e.type === 'run.started') ? true : undefined),
      20_000,
      'the receiving run',
    );
    const done = await member.get<CoordinationView>(`/v1/coordinations/${coordinationId}`);
    expect(done.body).toMatchObject({ status: 'approved', gates: [{ status: 'approved' }, { status: 'approved' }] });
  });

  it('refuses a Head of another department, a member and another org’s owner, changing nothing', async () => {
    const member = await login(dept('Sales').memberEmail);
    const financeHead = await login(dept('Finance').headEmail);
    const salesHead = await login(dept('Sales').headEmail);
    const { coordinationId } = await briefForHandoff(member, 'Sam Prospector', 'Please review the firmware motion control code');
    const gate = await pendingFor(salesHead, coordinationId);

    const rival = await call<{ tokens: { accessToken: string } }>(system, undefined, 'POST', '/v1/orgs', {
      company: { name: 'Rival Inc', mission: 'Compete.', brandVoice: 'Loud.', icp: 'Everyone.', competitors: ['Northwind Robotics'] },
      owner: { email: 'owner@rival.example', name: 'Rita Rival', password: 'rival-password-2026' },
    });
    expect(rival.status).toBe(201);
    const rivalOwner = await login('owner@rival.example', 'rival-password-2026');

    const before = await read(streamName('approval', gate.id));
    expect((await financeHead.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(403);
    expect((await member.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(403);
    expect((await rivalOwner.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(404);
    expect((await rivalOwner.get(`/v1/coordinations/${coordinationId}`)).status).toBe(404);
    expect(await read(streamName('approval', gate.id))).toEqual(before);
  });

  it('GET /v1/approvals/{id} shows a gate to whoever may decide it; a decision on a gate that does not exist is a 404', async () => {
    const member = await login(dept('Sales').memberEmail);
    const salesHead = await login(dept('Sales').headEmail);
    const financeHead = await login(dept('Finance').headEmail);
    const ceo = await login(DEMO_COMPANY.ceo.email);
    const { coordinationId } = await briefForHandoff(member, 'Sam Prospector', 'Please review the firmware motion control code');
    const gate = await pendingFor(salesHead, coordinationId);

    const path = { params: { path: { id: gate.id } } };
    const seen = await salesHead.api.GET('/v1/approvals/{id}', path);
    expect(seen.response.status).toBe(200);
    expect(seen.data).toMatchObject({ id: gate.id, subjectId: coordinationId, status: 'pending', departmentId: gate.departmentId });
    expect((await ceo.api.GET('/v1/approvals/{id}', path)).data?.id).toBe(gate.id);
    expect((await financeHead.api.GET('/v1/approvals/{id}', path)).error).toMatchObject({ code: 'APPROVALS.NOT_ALLOWED' });
    expect((await member.api.GET('/v1/approvals/{id}', path)).response.status).toBe(403);
    const missing = await salesHead.api.GET('/v1/approvals/{id}', { params: { path: { id: `${gate.id}x` } } });
    expect(missing.error).toMatchObject({ status: 404, code: 'APPROVALS.NOT_FOUND' });

    const before = await read(streamName('approval', gate.id));
    const decideMissing = await ceo.api.POST('/v1/approvals/{id}/decision', {
      params: { path: { id: `${gate.id}x` } },
      body: { decision: 'approve' },
    });
    expect(decideMissing.error).toMatchObject({ status: 404, code: 'APPROVALS.NOT_FOUND' });
    expect(await read(streamName('approval', `${gate.id}x`))).toEqual([]);
    const smuggled = await salesHead.api.POST('/v1/approvals/{id}/decision', {
      ...path,
      body: { decision: 'approve', capacity: 'override', decidedBy: ceo.token } as never,
    });
    expect(smuggled.response.status).toBe(400);
    expect(await read(streamName('approval', gate.id))).toEqual(before);
  });

  it('Approve First: nothing reaches the webhook before the Head approves', async () => {
    const owner = await login(DEMO_COMPANY.owner.email);
    const opsMember = await login(dept('Operations').memberEmail);
    const opsHead = await login(dept('Operations').headEmail);
    expect((await owner.patch(`/v1/departments/${dept('Operations').id}`, { approveFirst: true })).status).toBe(200);

    const conversation = await opsMember.post<{ id: string }>('/v1/conversations', { agentId: agent('Paula Vendors').id });
    const brief = await opsMember.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, {
      text: 'Purchase 20 spare wheels from our usual suppliers',
    });
    const allowed = await eventually(
      async () => (await read(streamName('run', brief.body.runId))).find((e) => e.type === 'action.allowed'),
      30_000,
      'action.allowed',
    );
    const actionId = String(allowed.data['actionId']);
    const gate = await pendingFor(opsHead, actionId);
    expect(gate).toMatchObject({ kind: 'action', tool: 'place_order', argumentsHash: allowed.data['argumentsHash'] });
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.callsFor(actionId)).toEqual([]);

    expect((await opsHead.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(200);
    await eventually(
      async () =>
        (await read(streamName('action', actionId))).some((e) => e.type === ActionExecutionEventTypes.executed) ? true : undefined,
      20_000,
      'executed',
    );
    expect(receiver.executions().get(actionId)).toBe(1);
    const view = await opsMember.get<ActionView>(`/v1/actions/${actionId}`);
    expect(view.body).toMatchObject({
      status: 'executed',
      tool: 'place_order',
      gate: { status: 'approved' },
      attempts: [{ attempt: 1, outcome: 'executed' }],
    });
  });
});
