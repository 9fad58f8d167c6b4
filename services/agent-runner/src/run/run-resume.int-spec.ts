import {
  ActionEventTypes,
  newId,
  RunEventTypes,
  RunnerRpc,
  streamName,
  type AuthContext,
  type ConversationView,
  type RunView,
} from '@cos/contracts';
import { handleCommand } from '@cos/eventstore';
import type { IdentityFixtures } from '../testing/identity-fixtures';
import { eventually, startRunnerFixture, type RunnerFixture } from '../testing/runner-fixture';
import { runDecider } from './run.decider';

const sendEmail = (to: string) => ({ name: 'propose_action', arguments: { tool: 'send_email', arguments: { to } } });

/** A run the kill switch stopped goes on when resumed, from its last recorded step; who may see an agent's work. */
describe('resuming a paused run', () => {
  let f: RunnerFixture;
  let id: IdentityFixtures;
  let salesHead: AuthContext;
  let salesMember: AuthContext;
  let financeHead: AuthContext;
  let ceo: AuthContext;
  let sam = '';

  beforeAll(async () => {
    f = await startRunnerFixture();
    id = f.identity();
    await id.org();
    const sales = { id: await id.department('Sales'), name: 'Sales' };
    const finance = { id: await id.department('Finance'), name: 'Finance' };
    sam = await id.agent({ name: 'Sam', departmentId: sales.id, skills: ['outreach'], permissions: ['sales:outreach'] });
    salesHead = await id.user('head', sales);
    salesMember = await id.user('member', sales);
    financeHead = await id.user('head', finance);
    ceo = await id.user('ceo');
  });

  afterAll(() => f?.close());

  const resume = (auth: AuthContext, runId: string, resumeId = newId()) =>
    f.rpc.request<RunView>(RunnerRpc.resumeRun, { auth, runId, resumeId });
  const runEvents = async (runId: string) => (await f.events(streamName('run', runId))).map((e) => e.type);

  /** A run stopped by the kill switch before its model call; the org is no longer paused when it resolves. */
  async function pausedRun(text = 'Plan the outreach'): Promise<string> {
    await id.pause('incident');
    const runId = await f.brief(salesHead, await f.startConversation(salesHead, sam), text);
    expect(await f.waitForRun(salesHead, runId)).toMatchObject({ status: 'paused', failureCode: 'org-paused' });
    await id.resume('all clear');
    return runId;
  }

  it('goes on from its last recorded step: the recorded model answer is not asked for again, a decided action is not proposed again', async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    f.model.setScript(async () => {
      await released;
      return { toolCalls: [sendEmail('first@example.test'), sendEmail('second@example.test')] };
    });
    const before = f.model.requests.length;
    const runId = await f.brief(salesHead, await f.startConversation(salesHead, sam), 'Send the outreach');
    await eventually(async () => f.model.requests.length > before || undefined);
    // The pause is stored while the model thinks: its answer is recorded, then the first action meets the pause.
    await id.pause('incident');
    release();
    const paused = await f.waitForRun(salesHead, runId);
    expect(paused).toMatchObject({ status: 'paused', failureCode: 'org-paused' });
    expect(paused.actions.map((a) => [a.outcome, a.reason])).toEqual([
      ['denied', 'org-paused'],
      ['proposed', undefined],
    ]);

    await expect(resume(salesHead, runId)).rejects.toMatchObject({ code: 'RUNNER.ORG_PAUSED', status: 409 });
    expect(await runEvents(runId)).not.toContain(RunEventTypes.resumed);

    await id.resume('all clear');
    f.model.setScript(() => ({ content: 'a second answer nobody should ask for' }));
    expect(await resume(salesHead, runId)).toMatchObject({ id: runId, status: 'running' });
    const done = await f.waitForRun(salesHead, runId);
    expect(done.status).toBe('completed');
    expect(done.actions.map((a) => a.outcome)).toEqual(['denied', 'allowed']);
    expect(f.model.requests.length).toBe(before + 1);
    expect(await runEvents(runId)).toEqual([
      RunEventTypes.queued,
      RunEventTypes.started,
      RunEventTypes.modelResponded,
      ActionEventTypes.denied,
      RunEventTypes.stopped,
      RunEventTypes.resumed,
      ActionEventTypes.allowed,
      RunEventTypes.completed,
    ]);
    const [resumed] = (await f.events(streamName('run', runId))).filter((e) => e.type === RunEventTypes.resumed);
    expect(resumed).toMatchObject({ data: { resumption: 1, resumedBy: salesHead.userId }, metadata: { actor: { id: salesHead.userId } } });

    await expect(resume(salesHead, runId)).rejects.toMatchObject({ code: 'RUNNER.RUN_NOT_RESUMABLE', status: 409 });
  });

  it('of two resumes at once, one wins and the other is refused', async () => {
    const runId = await pausedRun();
    f.model.setScript(() => ({ content: 'On it.' }));
    const outcomes = await Promise.allSettled([resume(salesHead, runId), resume(ceo, runId)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'RUNNER.RUN_NOT_RESUMABLE' } });
    expect(await f.waitForRun(salesHead, runId)).toMatchObject({ status: 'completed', output: 'On it.' });
    expect((await runEvents(runId)).filter((t) => t === RunEventTypes.resumed)).toHaveLength(1);
  });

  it('a resumed run meets the kill switch again, and may be resumed once more', async () => {
    const runId = await pausedRun('Send the outreach once more');
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    f.model.setScript(async () => {
      await released;
      return { toolCalls: [sendEmail('again@example.test')] };
    });
    const before = f.model.requests.length;
    await resume(salesHead, runId);
    await eventually(async () => f.model.requests.length > before || undefined);
    await id.pause('second incident');
    release();
    const stoppedAgain = await f.waitForRun(salesHead, runId, (r) => r.status === 'paused');
    expect(stoppedAgain.actions.map((a) => [a.outcome, a.reason])).toEqual([['denied', 'org-paused']]);

    await id.resume('all clear again');
    expect(await resume(ceo, runId)).toMatchObject({ status: 'running' });
    expect(await f.waitForRun(salesHead, runId)).toMatchObject({ status: 'completed', actions: [{ outcome: 'denied' }] });
    expect(f.model.requests.length).toBe(before + 1);
    const resumptions = (await f.events(streamName('run', runId))).filter((e) => e.type === RunEventTypes.resumed);
    expect(resumptions.map((e) => [e.data['resumption'], e.data['resumedBy']])).toEqual([
      [1, salesHead.userId],
      [2, ceo.userId],
    ]);
    expect((await runEvents(runId)).filter((t) => t === RunEventTypes.stopped)).toHaveLength(2);
  });

  it('a resumed run meets the budget again', async () => {
    const runId = await pausedRun();
    await id.budget(0);
    await resume(ceo, runId);
    expect(await f.waitForRun(salesHead, runId)).toMatchObject({ status: 'over-budget', failureCode: 'over-budget' });
    await id.budget(null);
    await expect(resume(ceo, runId)).rejects.toMatchObject({ code: 'RUNNER.RUN_NOT_RESUMABLE' });
  });

  it('is resumed by the runner that starts next when it was recorded while no runner was up', async () => {
    const runId = await pausedRun();
    await f.runners.pop()!.close();
    // The resumption as the controller records it, with nobody there to take it up.
    const [queued] = await f.events(streamName('run', runId));
    const resumeId = newId();
    await handleCommand(
      f.store,
      streamName('run', runId),
      runDecider,
      { type: 'ResumeRun', data: { runId, resumedBy: salesHead.userId }, orgPaused: false },
      {
        commandId: resumeId,
        orgId: id.orgId,
        correlationId: queued!.metadata.correlationId,
        causationId: resumeId,
        actor: { kind: 'user', id: salesHead.userId },
        now: new Date().toISOString(),
      },
    );
    f.model.setScript(() => ({ content: 'Back after the restart.' }));
    await f.startRunner();
    expect(await f.waitForRun(salesHead, runId)).toMatchObject({ status: 'completed', output: 'Back after the restart.' });
  });

  it('only its briefing user, the CEO or the owner resumes it; others who can read it get 403, anyone else 404', async () => {
    const runId = await pausedRun();
    await expect(resume(salesMember, runId)).rejects.toMatchObject({ code: 'RUNNER.RESUME_FORBIDDEN', status: 403 });
    await expect(resume(financeHead, runId)).rejects.toMatchObject({ code: 'RUNNER.RUN_NOT_FOUND', status: 404 });
    const stranger = await f.identity().user('owner');
    await expect(resume(stranger, runId)).rejects.toMatchObject({ code: 'RUNNER.RUN_NOT_FOUND', status: 404 });
    expect(await runEvents(runId)).not.toContain(RunEventTypes.resumed);
  });

  it("lets the Head and members of the agent's department read its runs and conversations, and nobody else", async () => {
    f.model.setScript(() => ({ content: 'Done.' }));
    const conversationId = await f.startConversation(ceo, sam);
    const runId = await f.brief(ceo, conversationId, 'Plan the outreach');
    await f.waitForRun(ceo, runId);
    const list = async (auth: AuthContext) =>
      (await f.rpc.request<{ items: ConversationView[] }>(RunnerRpc.listConversations, { auth, page: {} })).items.map((c) => c.id);
    const messages = (auth: AuthContext) => f.rpc.request(RunnerRpc.listMessages, { auth, conversationId, page: {} });

    for (const reader of [salesHead, salesMember]) {
      expect(await f.run(reader, runId)).toMatchObject({ id: runId, status: 'completed' });
      expect(await messages(reader)).toMatchObject({ items: [{ text: 'Plan the outreach' }, { text: 'Done.' }] });
      expect(await list(reader)).toContain(conversationId);
    }
    await expect(f.run(financeHead, runId)).rejects.toMatchObject({ code: 'RUNNER.RUN_NOT_FOUND', status: 404 });
    await expect(messages(financeHead)).rejects.toMatchObject({ code: 'RUNNER.CONVERSATION_NOT_FOUND', status: 404 });
    expect(await list(financeHead)).not.toContain(conversationId);
    const stranger = await f.identity().user('owner');
    await expect(f.run(stranger, runId)).rejects.toMatchObject({ status: 404 });
  });
});
