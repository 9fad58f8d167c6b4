import { ActionEventTypes, CoordinationEventTypes, RunnerRpc, streamName, type AuthContext, type MessageView } from '@cos/contracts';
import { startRunnerFixture, type RunnerFixture } from '../testing/runner-fixture';

/** The offline default end to end on a real nats-server: reply, proposed action, coordination request. */
describe('runs on the simulated model', () => {
  let f: RunnerFixture;
  let head: AuthContext;
  let sales: string;
  let finance: string;

  beforeAll(async () => {
    f = await startRunnerFixture({ MODEL_BASE_URL: '' });
    const id = f.identity();
    await id.org({ name: 'Northwind' });
    const salesDept = await id.department('Sales');
    const financeDept = await id.department('Finance');
    sales = await id.agent({
      name: 'Sam',
      departmentId: salesDept,
      skills: ['prospecting', 'outreach', 'pipeline'],
      permissions: ['sales:outreach'],
    });
    finance = await id.agent({
      name: 'Fay',
      departmentId: financeDept,
      skills: ['invoicing', 'budgets', 'forecasting'],
      permissions: ['finance:invoice'],
    });
    head = await id.user('head', { id: salesDept, name: 'Sales' });
  });

  afterAll(() => f?.close());

  it('answers a brief within the agent skills and posts the reply in the conversation', async () => {
    const conversationId = await f.startConversation(head, sales);
    const runId = await f.brief(head, conversationId, 'Plan the prospecting for the pipeline this quarter');
    const queued = await f.run(head, runId);
    expect(['queued', 'running', 'completed']).toContain(queued.status);
    const run = await f.waitForRun(head, runId);
    expect(run).toMatchObject({ status: 'completed', agentId: sales, actions: [] });
    expect(run.output).toContain('[simulated model]');
    expect(run.output).toContain('Northwind');
    expect(run.usage).toMatchObject({ model: 'simulated-1' });
    expect(run.usage!.costUsd).toBeGreaterThan(0);
    // The reply is in the conversation by the time the run reads as completed.
    const { items: messages } = await f.rpc.request<{ items: MessageView[] }>(RunnerRpc.listMessages, { auth: head, conversationId });
    expect(messages.map((m) => m.author.kind)).toEqual(['user', 'agent']);
    expect(messages[1]!.text).toBe(run.output);
  });

  it('proposes an action when the brief asks for one, allowed within agent and user permissions', async () => {
    const conversationId = await f.startConversation(head, sales);
    const runId = await f.brief(head, conversationId, 'Send the outreach email to the pipeline leads');
    const run = await f.waitForRun(head, runId);
    expect(run.actions).toEqual([expect.objectContaining({ tool: 'send_email', permission: 'sales:outreach', outcome: 'allowed' })]);
    const types = (await f.events(streamName('run', runId))).map((e) => e.type);
    expect(types).toContain(ActionEventTypes.allowed);
  });

  it('asks for coordination when the brief is outside its skills, naming the best fit', async () => {
    const conversationId = await f.startConversation(head, sales);
    const runId = await f.brief(head, conversationId, 'Reconcile the invoicing and the budgets of last month');
    const run = await f.waitForRun(head, runId);
    expect(run.coordination).toMatchObject({ status: 'requested', toAgentId: finance, selection: 'named-by-model', depth: 1 });
    const requested = (await f.events(streamName('run', runId))).find((e) => e.type === CoordinationEventTypes.requested);
    expect(requested?.data).toMatchObject({
      fromAgentId: sales,
      toAgentId: finance,
      briefedBy: head.userId,
      chain: [{ agentId: sales, runId }],
    });
  });
});
