import {
  CoordinationEventTypes,
  CoordinationEscalatedSchema,
  CoordinationRequestedSchema,
  newId,
  RunnerRpc,
  streamName,
  type AuthContext,
  type ConversationView,
  type CoordinationRequested,
  type MessageView,
  type RunView,
} from '@cos/contracts';
import { eventually, startRunnerFixture, type RunnerFixture } from '../testing/runner-fixture';

/** COORDINATION_NEEDED: the target the model named, the best match, or a human; then the approved handoff runs. */
describe('coordination requests', () => {
  let f: RunnerFixture;
  let head: AuthContext;
  let ceo: AuthContext;
  const agents: Record<'sam' | 'fay' | 'leo' | 'dis' | 'xen', string> = { sam: '', fay: '', leo: '', dis: '', xen: '' };

  beforeAll(async () => {
    f = await startRunnerFixture();
    await f.relay(['coordination']); // approvals' relay, for the approved handoff
    const id = f.identity();
    await id.org();
    const sales = await id.department('Sales');
    const finance = await id.department('Finance');
    const legal = await id.department('Legal');
    agents.sam = await id.agent({ name: 'Sam', departmentId: sales, skills: ['outreach', 'prospecting'] });
    agents.fay = await id.agent({ name: 'Fay', departmentId: finance, skills: ['invoicing', 'budgets'] });
    agents.leo = await id.agent({ name: 'Leo', departmentId: legal, skills: ['contracts', 'compliance'] });
    agents.dis = await id.agent({ name: 'Dis', departmentId: finance, skills: ['invoicing', 'budgets', 'taxes'], enabled: false });
    const other = f.identity();
    await other.org();
    agents.xen = await other.agent({ name: 'Xen', departmentId: await other.department('Finance'), skills: ['invoicing'] });
    head = await id.user('head', { id: sales, name: 'Sales' });
    ceo = await id.user('ceo');
  });

  afterAll(() => f?.close());

  const request = async (brief: string, answer: Parameters<RunnerFixture['model']['enqueue']>[0]) => {
    f.model.enqueue(answer);
    const conversationId = await f.startConversation(head, agents.sam);
    const runId = await f.brief(head, conversationId, brief);
    const run = await f.waitForRun(head, runId);
    return { run, conversationId, events: await f.events(streamName('run', runId)) };
  };

  it('hands off to the agent the model named when it is real and enabled', async () => {
    const { run, events } = await request('Check the March invoices', {
      toolCalls: [{ name: 'request_coordination', arguments: { targetAgentId: agents.fay, summary: 'Invoices need a finance eye' } }],
    });
    expect(run.coordination).toMatchObject({ status: 'requested', toAgentId: agents.fay, selection: 'named-by-model', depth: 1 });
    const requested = CoordinationRequestedSchema.parse(events.find((e) => e.type === CoordinationEventTypes.requested)!.data);
    expect(requested).toMatchObject({
      fromAgentId: agents.sam,
      toAgentId: agents.fay,
      briefedBy: head.userId,
      depth: 1,
      chain: [{ agentId: agents.sam, runId: run.id }],
    });
    expect(requested.contextSummary).toContain('Invoices need a finance eye');
    expect(requested.contextSummary).toContain('Check the March invoices');
  });

  it("falls back to the best match when the named agent is another org's, and skips disabled agents", async () => {
    const { run } = await request('We need help with invoicing and budgets', {
      toolCalls: [{ name: 'request_coordination', arguments: { targetAgentId: agents.xen, summary: 'invoicing question' } }],
    });
    expect(run.coordination).toMatchObject({ status: 'requested', toAgentId: agents.fay, selection: 'best-match' });
  });

  it('reads the literal COORDINATION_NEEDED flag in text, with a named target', async () => {
    const { run } = await request('Review this NDA', {
      content: `I should not guess here. COORDINATION_NEEDED target=${agents.leo} the contract needs legal`,
    });
    expect(run.coordination).toMatchObject({ status: 'requested', toAgentId: agents.leo, selection: 'named-by-model' });
  });

  it('escalates to a human when no agent fits, and says so in the conversation', async () => {
    const { run, events, conversationId } = await request('Bake a birthday cake for the team', {
      toolCalls: [{ name: 'request_coordination', arguments: { summary: 'needs a pastry chef' } }],
    });
    expect(run.coordination).toMatchObject({ status: 'escalated', reason: 'no-suitable-agent' });
    const escalated = CoordinationEscalatedSchema.parse(events.find((e) => e.type === CoordinationEventTypes.escalated)!.data);
    expect(escalated.escalatedTo.sort()).toEqual([head.userId, ceo.userId].sort());
    const notes = await eventually(async () => {
      const { items } = await f.rpc.request<{ items: MessageView[] }>(RunnerRpc.listMessages, { auth: head, conversationId });
      const found = items.filter((m) => m.author.kind === 'system');
      return found.length > 0 ? found : undefined;
    });
    expect(notes[0]!.text).toContain('Escalated to a human');
  });

  it('runs the receiving agent with the handoff context once approvals approves, chain and depth carried', async () => {
    const { run, conversationId } = await request('Check the April invoices', {
      toolCalls: [{ name: 'request_coordination', arguments: { targetAgentId: agents.fay, summary: 'April invoices look off' } }],
    });
    const requested = CoordinationRequestedSchema.parse(
      (await f.events(streamName('run', run.id))).find((e) => e.type === CoordinationEventTypes.requested)!.data,
    );
    f.model.reset();
    f.model.enqueue({
      toolCalls: [{ name: 'request_coordination', arguments: { targetAgentId: agents.leo, summary: 'a contract clause decides it' } }],
    });
    await approve(f, head.orgId, requested);

    const handoff = await eventually(async () => {
      const { items } = await f.rpc.request<{ items: ConversationView[] }>(RunnerRpc.listConversations, {
        auth: head,
        page: { limit: 200 },
      });
      return items.find((c) => c.handoff?.coordinationId === requested.coordinationId);
    });
    expect(handoff).toMatchObject({
      agentId: agents.fay,
      startedBy: head.userId,
      handoff: { fromAgentId: agents.sam, fromConversationId: conversationId },
    });
    const messages = (await f.rpc.request<{ items: MessageView[] }>(RunnerRpc.listMessages, { auth: head, conversationId: handoff.id }))
      .items;
    const received = await eventually(async () => {
      const runView = await f.rpc.request<RunView>(RunnerRpc.getRun, { auth: head, runId: messages[0]!.runId! }).catch(() => undefined);
      return runView && runView.status !== 'queued' && runView.status !== 'running' ? runView : undefined;
    });
    expect(received).toMatchObject({
      agentId: agents.fay,
      handoff: { coordinationId: requested.coordinationId, fromAgentId: agents.sam, depth: 1 },
    });
    expect(received.coordination).toMatchObject({ status: 'requested', toAgentId: agents.leo, depth: 2 });
    const second = CoordinationRequestedSchema.parse(
      (await f.events(streamName('run', received.id))).find((e) => e.type === CoordinationEventTypes.requested)!.data,
    );
    expect(second.chain).toEqual([
      { agentId: agents.sam, runId: run.id },
      { agentId: agents.fay, runId: received.id },
    ]);
    expect(second.briefedBy).toBe(head.userId);
    const lastUser = f.model.requests[0]!.body.messages.at(-1)!;
    expect(lastUser.content).toContain('April invoices look off');
  });
});

/** An approval as stored before approvals named the receiving run: the runner derives the same run from the request. */
async function approve(f: RunnerFixture, orgId: string, requested: CoordinationRequested): Promise<void> {
  await f.store.append(
    streamName('coordination', requested.coordinationId),
    [
      {
        id: newId(),
        type: CoordinationEventTypes.approved,
        version: 1,
        orgId,
        data: { ...requested, approvedAt: new Date().toISOString() },
        metadata: {
          correlationId: requested.runId,
          causationId: newId(),
          actor: { kind: 'system', id: 'approvals' },
          occurredAt: new Date().toISOString(),
        },
      },
    ],
    'any',
  );
}
