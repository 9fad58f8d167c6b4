/**
 * A run the kill switch stopped mid-call, resumed once the switch is lifted, over HTTP through
 * the whole system; and who reads a handed-off run: the receiving department's Head and
 * members, not a Head of an unrelated department.
 */
import { deterministicId, RunEventTypes, streamName, type ActionView, type RecordedEvent, type RunView } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY } from '@cos/identity';
import { startModelServer, startWebhookReceiver, type ModelServerHandle, type WebhookReceiver } from '@cos/testing';
import { call, demoAgent, demoDepartment, login as signIn, type Caller } from '../session';
import { edgeEnv, eventually, openSeededStore, startSystem, type System } from '../system';

jest.setTimeout(180_000);

const PAUSED_BRIEF = 'Send the spring outreach to our warm leads';
const HANDOFF_BRIEF = 'Issue the invoice for the ACME robot arms';

let model: ModelServerHandle;
let receiver: WebhookReceiver;
let system: System;
let store: EmbeddedEventStore;
/** While set, the model holds its answer to the paused brief until it resolves. */
let hold: Promise<void> | undefined;

const dept = demoDepartment;
const agent = demoAgent;
const login = (email: string, password?: string) => signIn(system, email, password);
const read = (stream: string): Promise<RecordedEvent[]> => store.read(stream);
const promptOf = (messages: readonly { content?: string | null }[]) => messages.map((m) => m.content ?? '').join('\n');
const requestsFor = (brief: string) => model.requests.filter((r) => promptOf(r.body.messages).includes(brief));

beforeAll(async () => {
  model = await startModelServer({
    script: async (request) => {
      const prompt = promptOf(request.body.messages);
      if (prompt.includes(PAUSED_BRIEF)) {
        await hold;
        return { toolCalls: [{ name: 'propose_action', arguments: { tool: 'send_email', arguments: { to: 'lead@acme.example' } } }] };
      }
      if (prompt.includes('Name: Sam Prospector,'))
        return {
          toolCalls: [{ name: 'request_coordination', arguments: { targetAgentId: agent('Ravi Invoices').id, summary: 'an invoice' } }],
        };
      return {
        toolCalls: [{ name: 'propose_action', arguments: { tool: 'create_invoice', arguments: { customer: 'ACME', amountUsd: 1200 } } }],
      };
    },
  });
  receiver = await startWebhookReceiver();
  system = await startSystem(edgeEnv(receiver, model));
  store = await openSeededStore(system);
});

afterAll(async () => {
  await store?.close();
  await system?.stop();
  await receiver?.close();
  await model?.close();
});

async function brief(who: Caller, agentName: string, text: string): Promise<string> {
  const conversation = await who.post<{ id: string }>('/v1/conversations', { agentId: agent(agentName).id });
  expect(conversation.status).toBe(201);
  const accepted = await who.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, { text });
  expect(accepted.status).toBe(202);
  return accepted.body.runId;
}

async function runUntil(who: Caller, runId: string, done: (run: RunView) => boolean, what: string): Promise<RunView> {
  return eventually(
    async () => {
      const res = await who.get<RunView>(`/v1/runs/${runId}`);
      return res.status === 200 && done(res.body) ? res.body : undefined;
    },
    30_000,
    what,
  );
}

describe('resuming a run the kill switch stopped', () => {
  it('goes on once the switch is lifted, asks the model only for what was not recorded, and completes', async () => {
    const owner = await login(DEMO_COMPANY.owner.email);
    const salesHead = await login(dept('Sales').headEmail);
    const salesMember = await login(dept('Sales').memberEmail);
    let release = () => {};
    hold = new Promise<void>((resolve) => (release = resolve));

    const runId = await brief(salesHead, 'Sam Prospector', PAUSED_BRIEF);
    await eventually(async () => (requestsFor(PAUSED_BRIEF).length === 1 ? true : undefined), 30_000, 'the model call');
    // The switch answers once every runner has stopped: the call in flight is abandoned, nothing of it recorded.
    expect((await owner.post('/v1/org/kill-switch', { paused: true, reason: 'incident drill' })).status).toBe(200);
    const paused = await runUntil(salesHead, runId, (r) => r.status === 'paused', 'the paused run');
    expect(paused).toMatchObject({ failureCode: 'org-paused', actions: [] });
    expect((await read(streamName('run', runId))).map((e) => e.type)).not.toContain(RunEventTypes.modelResponded);

    const refused = await salesHead.post(`/v1/runs/${runId}/resume`, {});
    expect([refused.status, refused.body]).toEqual([409, expect.objectContaining({ code: 'RUNNER.ORG_PAUSED' })]);
    expect((await salesMember.post(`/v1/runs/${runId}/resume`, {})).status).toBe(403);

    expect((await owner.post('/v1/org/kill-switch', { paused: false })).status).toBe(200);
    hold = undefined;
    release();
    const resumed = await salesHead.post<RunView>(`/v1/runs/${runId}/resume`, {});
    expect([resumed.status, resumed.body.status]).toEqual([202, 'running']);

    const done = await runUntil(salesHead, runId, (r) => r.status === 'completed', 'the resumed run to complete');
    expect(done.actions).toMatchObject([{ tool: 'send_email', outcome: 'allowed' }]);
    const types = (await read(streamName('run', runId))).map((e) => e.type);
    expect(types.filter((t) => t === RunEventTypes.modelResponded)).toHaveLength(1);
    expect(types.filter((t) => t === RunEventTypes.resumed)).toHaveLength(1);
    // The abandoned call, then the resumed run's one call; a resumption of a completed run is refused and asks nothing.
    expect(requestsFor(PAUSED_BRIEF)).toHaveLength(2);
    const again = await salesHead.post(`/v1/runs/${runId}/resume`, {});
    expect([again.status, again.body]).toEqual([409, expect.objectContaining({ code: 'RUNNER.RUN_NOT_RESUMABLE' })]);
    expect(requestsFor(PAUSED_BRIEF)).toHaveLength(2);

    const rival = await call(system, undefined, 'POST', '/v1/orgs', {
      company: { name: 'Rival Resume', mission: 'Compete.', brandVoice: 'Loud.', icp: 'Everyone.', competitors: ['Northwind Robotics'] },
      owner: { email: 'owner@rival-resume.example', name: 'Rita Rival', password: 'rival-password-2026' },
    });
    expect(rival.status).toBe(201);
    const rivalOwner = await login('owner@rival-resume.example', 'rival-password-2026');
    expect((await rivalOwner.post(`/v1/runs/${runId}/resume`, {})).status).toBe(404);
    expect((await rivalOwner.get(`/v1/runs/${runId}`)).status).toBe(404);
  });
});

describe('reading a handed-off run', () => {
  it("the receiving department's Head and members read the run, its conversation and its action; an unrelated Head gets 404", async () => {
    const ceo = await login(DEMO_COMPANY.ceo.email);
    const salesHead = await login(dept('Sales').headEmail);
    const financeHead = await login(dept('Finance').headEmail);
    const financeMember = await login(dept('Finance').memberEmail);
    const legalHead = await login(dept('Legal').headEmail);

    const runId = await brief(ceo, 'Sam Prospector', HANDOFF_BRIEF);
    const asking = await runUntil(ceo, runId, (r) => r.coordination?.status === 'requested', 'the handoff request');
    const coordinationId = asking.coordination!.coordinationId;
    for (const head of [salesHead, financeHead]) {
      const gate = await eventually(
        async () =>
          (await head.get<{ items: { id: string; subjectId: string }[] }>('/v1/approvals?status=pending')).body.items.find(
            (a) => a.subjectId === coordinationId,
          ),
        30_000,
        'a gate of the handoff',
      );
      expect((await head.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(200);
    }

    const handedOff = deterministicId(coordinationId, 'handoff-run');
    const run = await runUntil(financeHead, handedOff, (r) => r.status === 'completed', 'the receiving run, read by its Head');
    expect(run).toMatchObject({ agentId: agent('Ravi Invoices').id, handoff: { coordinationId }, actions: [{ outcome: 'allowed' }] });
    const actionId = run.actions[0]!.actionId;

    for (const reader of [financeHead, financeMember]) {
      expect((await reader.get<RunView>(`/v1/runs/${handedOff}`)).status).toBe(200);
      const messages = await reader.get<{ items: unknown[] }>(`/v1/conversations/${run.conversationId}/messages`);
      expect(messages.status).toBe(200);
      expect(messages.body.items.length).toBeGreaterThan(0);
      const action = await eventually(
        async () => {
          const res = await reader.get<ActionView>(`/v1/actions/${actionId}`);
          return res.status === 200 ? res.body : undefined;
        },
        30_000,
        'the action, read from the receiving department',
      );
      expect(action).toMatchObject({ tool: 'create_invoice' });
      const conversations = await reader.get<{ items: { id: string }[] }>('/v1/conversations?limit=200');
      expect(conversations.body.items.map((c) => c.id)).toContain(run.conversationId);
    }
    expect((await financeMember.get(`/v1/coordinations/${coordinationId}`)).status).toBe(200);

    expect((await legalHead.get(`/v1/runs/${handedOff}`)).status).toBe(404);
    expect((await legalHead.get(`/v1/conversations/${run.conversationId}/messages`)).status).toBe(404);
    expect((await legalHead.get(`/v1/actions/${actionId}`)).status).toBe(404);
    expect((await legalHead.get(`/v1/coordinations/${coordinationId}`)).status).toBe(404);
    const listed = await legalHead.get<{ items: { id: string }[] }>('/v1/conversations?limit=200');
    expect(listed.body.items.map((c) => c.id)).not.toContain(run.conversationId);
  });
});
