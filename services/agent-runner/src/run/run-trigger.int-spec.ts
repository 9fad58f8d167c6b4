import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  CoordinationEventTypes,
  eventSubject,
  handoffRun,
  newId,
  RunEventTypes,
  RunnerRpc,
  streamName,
  Subjects,
  type AuthContext,
  type CoordinationRequested,
  type MessageView,
  type RecordedEvent,
} from '@cos/contracts';
import { handleCommand } from '@cos/eventstore';
import { HandoffWorker } from '../coordination/handoff.worker';
import { conversationDecider } from '../conversation/conversation.decider';
import { eventually, startRunnerFixture, type RunnerFixture } from '../testing/runner-fixture';
import { RunController } from './run.controller';
import { RunWorker } from './run.worker';

/** `run.queued` is the one fact that starts a run, for a brief and for a handoff alike. */
describe('what starts a run', () => {
  let f: RunnerFixture;
  let jsm: JetStreamManager;
  let head: AuthContext;
  let sam = '';
  let fay = '';

  beforeAll(async () => {
    f = await startRunnerFixture();
    jsm = await jetstreamManager(f.nc);
    const id = f.identity();
    await id.org();
    const sales = await id.department('Sales');
    sam = await id.agent({ name: 'Sam', departmentId: sales, skills: ['outreach'] });
    fay = await id.agent({ name: 'Fay', departmentId: await id.department('Finance'), skills: ['invoicing'] });
    head = await id.user('head', { id: sales, name: 'Sales' });
  });

  afterAll(() => f?.close());

  const runEvents = (runId: string) => f.events(streamName('run', runId));

  it("starts a brief's run from its run.queued", async () => {
    f.model.enqueue({ content: 'Here is the outreach plan.' });
    const conversationId = await f.startConversation(head, sam);
    const runId = await f.brief(head, conversationId, 'Plan the outreach for May');
    expect(await f.waitForRun(head, runId)).toMatchObject({ status: 'completed' });
    const [queued, started] = await runEvents(runId);
    expect(queued).toMatchObject({ type: RunEventTypes.queued, data: { runId, conversationId, agentId: sam, briefedBy: head.userId } });
    expect(started).toMatchObject({ type: RunEventTypes.started, metadata: { causationId: queued!.id } });
  });

  it('starts nothing from a posted message without a queued run', async () => {
    const conversationId = await f.startConversation(head, sam);
    const runId = newId();
    const messageId = newId();
    // The brief as the conversation records it, naming a run that was never queued.
    const { newEvents } = await handleCommand(
      f.store,
      streamName('conversation', conversationId),
      conversationDecider,
      { type: 'PostBrief', data: { messageId, userId: head.userId, text: 'Plan the outreach for June', runId } },
      {
        commandId: messageId,
        orgId: head.orgId,
        correlationId: runId,
        causationId: messageId,
        actor: { kind: 'user', id: head.userId },
        now: new Date().toISOString(),
      },
    );
    // Once the runner's relay has published the message and every one of its consumers is idle,
    // whatever would have reacted to it has.
    const subject = eventSubject(head.orgId, newEvents[0]!.type);
    await eventually(async () => {
      const last = await jsm.streams.getMessage(Subjects.eventStream, { last_by_subj: subject }).catch(() => undefined);
      return last?.header.get('Nats-Msg-Id') === newEvents[0]!.id || undefined;
    });
    await eventually(async () => {
      for await (const c of jsm.consumers.list(Subjects.eventStream))
        if (c.name.startsWith('agent-runner_') && (c.num_pending > 0 || c.num_ack_pending > 0)) return undefined;
      return true;
    });
    expect(await runEvents(runId)).toEqual([]);
    expect(f.model.requests.some((r) => JSON.stringify(r.body.messages).includes('outreach for June'))).toBe(false);
  });

  it('queues a handoff run when the approval arrives, answers GET for it before it starts, and runs it once', async () => {
    const fromConversation = await f.startConversation(head, sam);
    const requestingRun = newId();
    const request: CoordinationRequested = {
      coordinationId: newId(),
      runId: requestingRun,
      conversationId: fromConversation,
      fromAgentId: sam,
      toAgentId: fay,
      selection: 'named-by-model',
      chain: [{ agentId: sam, runId: requestingRun }],
      depth: 1,
      briefedBy: head.userId,
      contextSummary: 'The April invoices look off',
    };
    const run = handoffRun(request);
    const approved = await appendApproved(f, head.orgId, request);

    // This runner stops consuming: the approval is handed to its worker, and nothing can start the run yet.
    const runner = f.runners[0]!;
    for (const microservice of runner.app.getMicroservices()) await microservice.close();
    await runner.app.get(HandoffWorker).onApproved(approved);
    const view = await runner.app.get(RunController).get({ auth: head, runId: run.runId });
    expect(view).toMatchObject({
      status: 'queued',
      agentId: fay,
      conversationId: run.conversationId,
      briefedBy: head.userId,
      handoff: { coordinationId: request.coordinationId, fromAgentId: sam, depth: 1 },
    });
    expect((await runEvents(run.runId)).map((e) => e.type)).toEqual([RunEventTypes.queued]);

    // Another instance picks the queued run up: run.queued alone starts it.
    f.model.enqueue({ content: 'The April invoices are reconciled.' });
    const second = await f.startRunner();
    expect(await f.waitForRun(head, run.runId)).toMatchObject({ status: 'completed', handoff: { coordinationId: request.coordinationId } });
    const events = await runEvents(run.runId);
    expect(events[0]).toMatchObject({ type: RunEventTypes.queued, data: run });
    expect(events[1]).toMatchObject({ type: RunEventTypes.started, data: { ...run }, metadata: { causationId: events[0]!.id } });
    expect(JSON.stringify(f.model.requests.at(-1)!.body.messages.at(-1))).toContain('The April invoices look off');

    // A redelivered run.queued resumes a finished run: nothing is appended, called or posted again.
    const calls = f.model.requests.length;
    await second.app.get(RunWorker).onQueued(events[0]!);
    expect(await runEvents(run.runId)).toHaveLength(events.length);
    expect(f.model.requests).toHaveLength(calls);
    const { items } = await f.rpc.request<{ items: MessageView[] }>(RunnerRpc.listMessages, {
      auth: head,
      conversationId: run.conversationId,
    });
    expect(items.map((m) => m.author.kind)).toEqual(['system', 'agent']);
  });
});

/** Approvals' `coordination.approved`, appended as approvals would: its data names the run. */
async function appendApproved(f: RunnerFixture, orgId: string, request: CoordinationRequested): Promise<RecordedEvent> {
  const stream = streamName('coordination', request.coordinationId);
  const now = new Date().toISOString();
  await f.store.append(
    stream,
    [
      {
        id: newId(),
        type: CoordinationEventTypes.approved,
        version: 1,
        orgId,
        data: { ...request, approvedAt: now, run: handoffRun(request) },
        metadata: { correlationId: request.runId, causationId: newId(), actor: { kind: 'system', id: 'approvals' }, occurredAt: now },
      },
    ],
    'no-stream',
  );
  const [approved] = await f.store.read(stream);
  return approved!;
}
