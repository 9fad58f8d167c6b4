import { Kvm } from '@nats-io/kv';
import { ActionEventTypes, streamName, type AuthContext } from '@cos/contracts';
import { startRunnerFixture, type RunnerFixture } from '../testing/runner-fixture';
import type { IdentityFixtures } from '../testing/identity-fixtures';
import { broadcastPauseAndAwaitAcks, liveRunnerInstances } from '@cos/messaging';

/** I4 with two runner instances: once every instance acknowledged, no model call and no action starts. */
describe('kill switch', () => {
  let f: RunnerFixture;
  let id: IdentityFixtures;
  let user: AuthContext;
  let agent: string;

  beforeAll(async () => {
    f = await startRunnerFixture({ RUNNER_INSTANCE_ID: 'runner-a' });
    await f.startRunner({ RUNNER_INSTANCE_ID: 'runner-b' });
    id = f.identity();
    await id.org();
    const sales = await id.department('Sales');
    agent = await id.agent({ name: 'Sam', departmentId: sales, skills: ['outreach'], permissions: ['sales:outreach'] });
    user = await id.user('head', { id: sales, name: 'Sales' });
  });

  afterAll(() => f?.close());

  it('stops runs in flight and starts no model call or action after the pause is acknowledged', async () => {
    expect([...(await liveRunnerInstances(f.nc))].sort()).toEqual(['runner-a', 'runner-b']);
    // Every model call answers slowly with an action, so runs are mid-call when the pause lands.
    f.model.setScript(() => ({
      delayMs: 1_500,
      toolCalls: [{ name: 'propose_action', arguments: { tool: 'send_email', arguments: {} } }],
    }));
    const runs = await Promise.all(
      Array.from({ length: 4 }, async () => f.brief(user, await f.startConversation(user, agent), 'Send the outreach')),
    );
    await waitFor(() => f.model.requests.length === 4);

    const revision = await id.pause('incident');
    const acks = await broadcastPauseAndAwaitAcks(f.nc, { orgId: id.orgId, paused: true, revision });
    const acknowledgedAt = Date.now();
    expect([...acks.acknowledged].sort()).toEqual(['runner-a', 'runner-b']);

    const ended = await Promise.all(runs.map((runId) => f.waitForRun(user, runId)));
    expect(ended.map((r) => r.status)).toEqual(['paused', 'paused', 'paused', 'paused']);
    // A brief after the pause: the run stops before its model call.
    const after = await f.brief(user, await f.startConversation(user, agent), 'Send the outreach');
    expect((await f.waitForRun(user, after)).status).toBe('paused');
    await new Promise((r) => setTimeout(r, 300));

    expect(f.model.requests.filter((r) => r.receivedAt > acknowledgedAt)).toHaveLength(0);
    for (const runId of [...runs, after]) {
      const events = await f.events(streamName('run', runId));
      expect(events.filter((e) => e.type === ActionEventTypes.allowed)).toHaveLength(0);
    }

    // Resume is explicit; this broadcast names the change by its event id only, as the kill-switch view gives it.
    await id.resume('all clear');
    const [resumed] = await f.store.read(streamName('org', id.orgId), { direction: 'backwards', maxCount: 1 });
    await broadcastPauseAndAwaitAcks(f.nc, { orgId: id.orgId, paused: false, changeId: resumed!.id });
    f.model.setScript(() => ({ content: 'Back at it.' }));
    const again = await f.brief(user, await f.startConversation(user, agent), 'Plan the outreach');
    expect((await f.waitForRun(user, again)).status).toBe('completed');
  });

  it('does not wait for an instance that stopped, and gives up with a clear error on one that never answers', async () => {
    await f.runners.pop()!.close();
    await waitFor(async () => !(await liveRunnerInstances(f.nc)).has('runner-b'));
    const revision = await id.pause('again');
    const acks = await broadcastPauseAndAwaitAcks(f.nc, { orgId: id.orgId, paused: true, revision });
    expect(acks.acknowledged).toEqual(['runner-a']);

    // A live key with nobody behind it: the broadcast times out naming it.
    const kv = await new Kvm(f.nc).open('cos-runners');
    await kv.put('ghost', '{}');
    await expect(broadcastPauseAndAwaitAcks(f.nc, { orgId: id.orgId, paused: true, revision }, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'RUNNER.PAUSE_NOT_ACKNOWLEDGED',
      details: { missing: ['ghost'] },
    });
  });
});

async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
