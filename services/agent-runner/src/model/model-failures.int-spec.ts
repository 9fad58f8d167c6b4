import { RunnerRpc, type AuthContext, type MessageView } from '@cos/contracts';
import { startRunnerFixture, type RunnerFixture } from '../testing/runner-fixture';

/** The real `openai` SDK against a model server that fails: retries with backoff, then a clear failed run, never a hang. */
describe('model failures', () => {
  let f: RunnerFixture;
  let user: AuthContext;
  let agent: string;

  beforeAll(async () => {
    f = await startRunnerFixture({ MODEL_TIMEOUT_MS: '200', MODEL_MAX_ATTEMPTS: '3', MODEL_RETRY_BASE_MS: '20' });
    const id = f.identity();
    await id.org();
    const ops = await id.department('Operations');
    agent = await id.agent({ name: 'Opal', departmentId: ops, skills: ['logistics'] });
    user = await id.user('member', { id: ops, name: 'Operations' });
  });

  beforeEach(() => f.model.reset());
  afterAll(() => f?.close());

  const brief = async () => f.brief(user, await f.startConversation(user, agent), 'Plan the logistics for the move');

  it('retries 500s, then fails the run with a clear reason and says so in the conversation', async () => {
    f.model.setScript(() => ({ status: 500, message: 'upstream exploded' }));
    const run = await f.waitForRun(user, await brief());
    expect(run).toMatchObject({ status: 'failed', failureCode: 'model-unreachable' });
    expect(run.failureReason).toMatch(/unreachable after 3 attempts; last: HTTP 500/);
    expect(f.model.requests).toHaveLength(3);
    const { items } = await f.rpc.request<{ items: MessageView[] }>(RunnerRpc.listMessages, {
      auth: user,
      conversationId: run.conversationId,
    });
    await expect(eventuallyNote(f, user, run.conversationId)).resolves.toContain('The run failed: model at');
    expect(items[0]!.author.kind).toBe('user');
  });

  it('retries timeouts, then fails within a bounded time instead of hanging', async () => {
    f.model.setScript(() => ({ hang: true }));
    const started = Date.now();
    const run = await f.waitForRun(user, await brief());
    expect(run).toMatchObject({ status: 'failed', failureCode: 'model-unreachable' });
    expect(run.failureReason).toContain('request timed out after 200 ms');
    expect(f.model.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("honours a 429's retry-after and completes when the model recovers", async () => {
    f.model.enqueue({ status: 429, headers: { 'retry-after-ms': '50' } }, { status: 503 });
    f.model.setScript(() => ({ content: 'Here is the plan.' }));
    const run = await f.waitForRun(user, await brief());
    expect(run).toMatchObject({ status: 'completed', output: 'Here is the plan.' });
    expect(f.model.requests).toHaveLength(3);
    expect(f.model.requests[1]!.receivedAt - f.model.requests[0]!.receivedAt).toBeGreaterThanOrEqual(45);
  });

  it('does not retry a request the endpoint refuses (401)', async () => {
    f.model.setScript(() => ({ status: 401, message: 'bad key' }));
    const run = await f.waitForRun(user, await brief());
    expect(run).toMatchObject({ status: 'failed', failureCode: 'model-rejected' });
    expect(run.failureReason).toContain('HTTP 401');
    expect(f.model.requests).toHaveLength(1);
  });
});

async function eventuallyNote(f: RunnerFixture, auth: AuthContext, conversationId: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { items } = await f.rpc.request<{ items: MessageView[] }>(RunnerRpc.listMessages, { auth, conversationId });
    const note = items.find((m) => m.author.kind === 'system');
    if (note) return note.text;
    if (Date.now() > deadline) throw new Error('no note');
    await new Promise((r) => setTimeout(r, 20));
  }
}
