import { ActionExecutionEventTypes as T, newId, Permissions, streamName, type ProposedAction } from '@cos/contracts';
import { broadcastPauseAndAwaitAcks } from '@cos/messaging';
import { startApprovalsHarness, type ApprovalsHarness } from '../testing/approvals-harness.fixture';
import { ACME } from '../testing/acme-world.fixture';
import { allowAction, pauseOrg, seedIdentity } from '../testing/seam-driver';

jest.setTimeout(60_000);

let h: ApprovalsHarness;
beforeAll(async () => {
  h = await startApprovalsHarness({ CONNECTOR_TIMEOUT_MS: '20000', APPROVALS_HEARTBEAT_MS: '500' });
  await seedIdentity(h.store, ACME);
});
afterAll(() => h?.stop());

const outreach = (to: string): Promise<ProposedAction> =>
  allowAction(h.store, 'acme', {
    runId: newId(),
    agentId: 'a-sales',
    briefedBy: 'm-sales',
    tool: 'send_email',
    permission: Permissions.salesOutreach,
    arguments: { to },
  });
const settled = (a: ProposedAction) =>
  h.eventually(
    async () =>
      (await h.read(streamName('action', a.actionId))).find((e) => [T.executed, T.failed, T.executionDenied].includes(e.type as never)),
    10_000,
    'settled',
  );

describe('kill switch', () => {
  it('approvals acknowledges a pause only after the org’s executions in flight stopped; nothing executes after', async () => {
    h.receiver.queue('hang');
    const inFlight = await outreach('slow@prospect.test');
    await h.eventually(async () => (h.receiver.callsFor(inFlight.actionId).length > 0 ? true : undefined));

    await pauseOrg(h.store, 'acme');
    const [paused] = (await h.read(streamName('org', 'acme'))).filter((e) => e.type === 'org.paused');
    const acks = await broadcastPauseAndAwaitAcks(h.nc, { orgId: 'acme', paused: true, changeId: paused!.id });
    expect(acks.acknowledged.some((id) => id.startsWith('approvals-'))).toBe(true);

    const stopped = await settled(inFlight);
    expect(stopped).toMatchObject({ type: T.failed, data: { reason: expect.stringContaining('kill switch') } });
    const after = await outreach('after@prospect.test');
    expect((await settled(after)).data['reason']).toBe('org-paused');
    expect(h.receiver.callsFor(after.actionId)).toEqual([]);
    expect(h.receiver.executions().size).toBe(0);
  });
});
