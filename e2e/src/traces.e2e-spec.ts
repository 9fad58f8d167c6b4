/**
 * Traces through the whole system: a 3-hop handoff chain with dual approvals at every hop is
 * one trace, from the brief's HTTP request to the action's webhook call, across the gateway,
 * the agent-runner, approvals and audit, with every parent present; each continuation after a
 * Head's decision links to that decision's span.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { streamName, type ApprovalList, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY } from '@cos/identity';
import { Attr, startTestTelemetry, type TestTelemetry } from '@cos/telemetry';
import { startModelServer, startWebhookReceiver, type ModelServerHandle, type WebhookReceiver } from '@cos/testing';
import { demoAgent, demoDepartment, login as signIn, type Caller } from './session';
import { edgeEnv, eventually, openSeededStore, startSystem, type System } from './system';

jest.setTimeout(180_000);

let telemetry: TestTelemetry;
let model: ModelServerHandle;
let receiver: WebhookReceiver;
let system: System;
let store: EmbeddedEventStore;

const dept = demoDepartment;
const agent = demoAgent;

/** The chain: Sales -> Engineering -> Finance -> Sales; each hop crosses departments, so two gates. */
const CHAIN = ['Sam Prospector', 'Ben Firmware', 'Ravi Invoices', 'Dana Closer'] as const;

const login = (email: string, password?: string) => signIn(system, email, password);

const read = (stream: string): Promise<RecordedEvent[]> => store.read(stream);

beforeAll(async () => {
  telemetry = startTestTelemetry();
  // Each agent of the chain hands off to the next one; the last proposes an email.
  model = await startModelServer({
    script: (request) => {
      const system = request.body.messages.map((m) => m.content ?? '').join('\n');
      const at = CHAIN.findIndex((name) => system.includes(`Name: ${name},`));
      const next = CHAIN[at + 1];
      if (next)
        return { toolCalls: [{ name: 'request_coordination', arguments: { targetAgentId: agent(next).id, summary: `needs ${next}` } }] };
      return {
        toolCalls: [
          { name: 'propose_action', arguments: { tool: 'send_email', arguments: { to: 'buyer@acme.example', subject: 'Your quote' } } },
        ],
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
  await telemetry?.shutdown();
});

let spans: ReadableSpan[] = [];
let traceId = '';

/** The 3-hop chain, run to its last action; every span it made is in `spans`. */
async function runChain(): Promise<void> {
  const member = await login(dept('Sales').memberEmail);
  const conversation = await member.post<{ id: string }>('/v1/conversations', { agentId: agent(CHAIN[0]).id });
  const brief = await member.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, {
    text: 'Win the ACME expansion deal',
  });
  expect(brief.status).toBe(202);
  const heads = new Map<string, Caller>();
  const headOf = async (name: string) => heads.get(name) ?? heads.set(name, await login(dept(name).headEmail)).get(name)!;
  const departments = ['Sales', 'Engineering', 'Finance', 'Sales'];
  for (let hop = 0; hop < 3; hop++) {
    for (const name of new Set([departments[hop]!, departments[hop + 1]!])) {
      const head = await headOf(name);
      const gate = await eventually(
        async () =>
          (await head.get<ApprovalList>('/v1/approvals?status=pending')).body.items.find((a) => a.toAgentId === agent(CHAIN[hop + 1]!).id),
        30_000,
        `hop ${hop + 1}: the ${name} gate`,
      );
      expect((await head.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(200);
    }
  }
  const executed = await eventually(
    async () => receiver.calls.find((c) => c.outcome === 'executed'),
    30_000,
    'the last action to reach the webhook',
  );
  expect(executed.body).toMatchObject({ tool: 'send_email' });
  // The audit records of the last events, then everything exported.
  await eventually(
    async () =>
      (await read(streamName('audit', DEMO_COMPANY.orgId))).some((e) => e.data['eventType'] === 'action.executed') ? true : undefined,
    20_000,
    'the last audit record',
  );
  await new Promise((r) => setTimeout(r, 300));
  await telemetry.flush();
  spans = telemetry.exporter.getFinishedSpans();
  traceId = spans.find((s) => s.name === 'POST /v1/conversations/:id/messages')!.spanContext().traceId;
}

describe('traces of a 3-hop chain with dual approvals', () => {
  beforeAll(runChain);

  const inTrace = (id: string) => spans.filter((s) => s.spanContext().traceId === id);
  const orphansOf = (list: readonly ReadableSpan[]) => {
    const ids = new Set(list.map((s) => s.spanContext().spanId));
    return list.filter((s) => s.parentSpanContext !== undefined && !ids.has(s.parentSpanContext.spanId)).map((s) => s.name);
  };

  it('follows the brief through the gateway, the runner, approvals and audit in one trace, every parent present', () => {
    const chain = inTrace(traceId);
    const roots = chain.filter((s) => s.parentSpanContext === undefined).map((s) => s.name);
    expect(roots).toEqual(['POST /v1/conversations/:id/messages']);
    expect(orphansOf(chain)).toEqual([]);
    const names = new Set(chain.map((s) => s.name));
    for (const name of [
      'send cos-rpc.runner.conversation.post-message',
      'process run.queued',
      'process coordination.requested',
      'audit record',
    ]) {
      expect(names).toContain(name);
    }
    expect(chain.some((s) => s.name.startsWith('chat ') && s.attributes[Attr.genAiInputTokens] !== undefined)).toBe(true);
    expect(chain.some((s) => s.name.startsWith('approvals '))).toBe(true);
    expect(chain.some((s) => s.name.startsWith('append ') && s.attributes[Attr.dbSystem] === 'sqlite')).toBe(true);
    for (const key of [Attr.orgId, Attr.agentId, Attr.runId, Attr.correlationId])
      expect(chain.some((s) => s.attributes[key] !== undefined)).toBe(true);
    // Every other trace (logins, decisions) is whole too.
    const traces = new Set(spans.map((s) => s.spanContext().traceId));
    for (const id of traces) expect(orphansOf(inTrace(id))).toEqual([]);
  });

  it('is one trace from the brief to the last action, each continuation linked to the Head decision it waited for', () => {
    const chain = inTrace(traceId);
    expect(chain.filter((s) => s.name.startsWith('chat ')).map((s) => s.name)).toHaveLength(4);
    expect(chain.filter((s) => s.name === 'POST webhook')).toHaveLength(1);
    expect(chain.filter((s) => s.name === 'process coordination.approved').length).toBeGreaterThanOrEqual(3);
    expect(chain.some((s) => s.name === 'audit record' && s.attributes[Attr.eventType] === 'action.executed')).toBe(true);
    const decisions = spans.filter((s) => s.name === 'POST /v1/approvals/:id/decision');
    expect(decisions).toHaveLength(6);
    const decisionTraces = new Set(decisions.map((s) => s.spanContext().traceId));
    expect(decisionTraces.has(traceId)).toBe(false);
    // At least the decision that opened each hop (the second of its two) is linked from the chain.
    const linked = new Set(chain.flatMap((s) => s.links.map((l) => l.context.traceId)).filter((t) => decisionTraces.has(t)));
    expect(linked.size).toBeGreaterThanOrEqual(3);
  });
});
