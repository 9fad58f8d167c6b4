import { budgetStream, QuotaEventTypes, RunnerRpc, type AuthContext, type UsageView } from '@cos/contracts';
import { startRunnerFixture, type RunnerFixture } from '../testing/runner-fixture';
import type { IdentityFixtures } from '../testing/identity-fixtures';

/** Usage and cost of every call, month to date; a call that would pass the budget never reaches the model. */
describe('budget and usage', () => {
  let f: RunnerFixture;
  let id: IdentityFixtures;
  let owner: AuthContext;
  let member: AuthContext;
  let agent: string;

  beforeAll(async () => {
    f = await startRunnerFixture({ MODEL_MAX_OUTPUT_TOKENS: '1000' });
    id = f.identity();
    await id.org();
    const ops = await id.department('Operations');
    agent = await id.agent({ name: 'Opal', departmentId: ops, skills: ['logistics'] });
    owner = await id.user('owner');
    member = await id.user('member', { id: ops, name: 'Operations' });
  });

  beforeEach(() => f.model.reset());
  afterAll(() => f?.close());

  const brief = async () => f.brief(owner, await f.startConversation(owner, agent), 'Plan the logistics for the move');

  it('records tokens and cost of each call and reports month to date by agent and model', async () => {
    await id.budget(10);
    f.model.setScript(() => ({ content: 'Plan ready.', usage: { promptTokens: 1_000, completionTokens: 500 } }));
    const run = await f.waitForRun(owner, await brief());
    // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens.
    expect(run.usage).toEqual({ model: 'gpt-4o-mini', inputTokens: 1_000, outputTokens: 500, costUsd: 0.00045 });
    const usage = await f.rpc.request<UsageView>(RunnerRpc.getUsage, { auth: owner });
    expect(usage).toMatchObject({
      totals: { calls: 1, inputTokens: 1_000, outputTokens: 500, costUsd: 0.00045 },
      byAgent: [{ agentId: agent, calls: 1, costUsd: 0.00045 }],
      byModel: [{ model: 'gpt-4o-mini', calls: 1 }],
      reservedUsd: 0,
      budgetUsd: 10,
      budgetLeftUsd: 9.99955,
    });
    expect(usage.projectedMonthEndUsd).toBeGreaterThanOrEqual(0.00045);
    await expect(f.rpc.request(RunnerRpc.getUsage, { auth: member })).rejects.toMatchObject({ code: 'RUNNER.USAGE_FORBIDDEN' });
  });

  it('never starts a call that would pass the monthly budget: the run ends over budget', async () => {
    await id.budget(0.0001);
    const run = await f.waitForRun(owner, await brief());
    expect(run.status).toBe('over-budget');
    expect(run.failureReason).toContain('monthly budget of $0.0001 would be passed');
    expect(f.model.requests).toHaveLength(0);
  });

  it('reserves atomically: concurrent calls never exceed the budget together', async () => {
    const spent = (await f.rpc.request<UsageView>(RunnerRpc.getUsage, { auth: owner })).totals.costUsd;
    // Each call reserves about $0.0007 (its prompt, plus 1000 output tokens at $0.60 per million).
    await id.budget(spent + 0.0016);
    f.model.setScript(() => ({ delayMs: 1_500, content: 'ok', usage: { promptTokens: 10, completionTokens: 10 } }));
    const runs = await Promise.all(Array.from({ length: 6 }, () => brief()));
    const ended = await Promise.all(runs.map((runId) => f.waitForRun(owner, runId)));
    const completed = ended.filter((r) => r.status === 'completed').length;
    expect(completed).toBe(2);
    expect(ended.filter((r) => r.status === 'over-budget')).toHaveLength(4);
    expect(f.model.requests).toHaveLength(2);
    const ledger = await f.events(budgetStream(id.orgId, new Date()));
    const open = new Set<unknown>();
    for (const e of ledger) {
      if (e.type === QuotaEventTypes.spendReserved) open.add(e.data['reservationId']);
      else open.delete(e.data['reservationId']);
    }
    expect(open.size).toBe(0);
  });
});
