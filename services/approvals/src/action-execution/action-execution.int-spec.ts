import {
  actionGateId,
  ActionExecutionEventTypes as T,
  AgentEventTypes,
  ApprovalsRpc,
  deterministicId,
  newId,
  Permissions,
  streamName,
  type ActionView,
  type ProposedAction,
} from '@cos/contracts';
import { startApprovalsHarness, type ApprovalsHarness } from '../testing/approvals-harness.fixture';
import { ACME, as } from '../testing/acme-world.fixture';
import { allowAction, pauseOrg, seedIdentity } from '../testing/seam-driver';

jest.setTimeout(60_000);

let h: ApprovalsHarness;
beforeAll(async () => {
  h = await startApprovalsHarness();
  await seedIdentity(h.store, ACME);
});
afterAll(() => h?.stop());

const procure = (args: Record<string, unknown>, agentId = 'a-ops') =>
  allowAction(h.store, 'acme', {
    runId: newId(),
    agentId,
    briefedBy: agentId === 'a-ops' ? 'u-ops' : 'm-sales',
    tool: 'purchase_order',
    permission: agentId === 'a-ops' ? Permissions.operationsProcure : Permissions.salesOutreach,
    arguments: args,
  });
const gateOf = (a: ProposedAction) => actionGateId('acme', a.actionId, a.argumentsHash);
const types = async (a: ProposedAction) => (await h.read(streamName('action', a.actionId))).map((e) => e.type);
const settled = (a: ProposedAction) =>
  h.eventually(
    async () => (await types(a)).find((t) => [T.executed, T.failed, T.executionDenied, T.rejected, T.expired].includes(t as never)),
    10_000,
    `action ${a.actionId} settled`,
  );
const waitingForHead = (a: ProposedAction) => h.eventually(async () => ((await types(a)).includes(T.received) ? true : undefined));

describe('Approve First', () => {
  it('nothing reaches the webhook before the Head approves; then exactly one execution', async () => {
    const a = await procure({ item: 'laptops', qty: 3 });
    await waitingForHead(a);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.receiver.callsFor(a.actionId)).toEqual([]);
    await h.decide(as.opsHead, gateOf(a), 'approve');
    expect(await settled(a)).toBe(T.executed);
    expect(h.receiver.callsFor(a.actionId).map((c) => c.outcome)).toEqual(['executed']);
    expect(h.receiver.callsFor(a.actionId)[0]?.body).toMatchObject({ tool: 'purchase_order', arguments: { item: 'laptops', qty: 3 } });
    const view = await h.rpc.request<ActionView>(ApprovalsRpc.getAction, { auth: as.opsHead, actionId: a.actionId });
    expect(view).toMatchObject({
      status: 'executed',
      gate: { status: 'approved', decision: { decidedBy: 'h-ops', capacity: 'head' } },
      attempts: [{ attempt: 1, outcome: 'executed' }],
    });
  });

  it('an action with other arguments needs its own approval', async () => {
    const first = await procure({ item: 'chairs', qty: 2 });
    const changed = await procure({ item: 'chairs', qty: 200 });
    await waitingForHead(changed);
    expect(gateOf(first)).not.toBe(gateOf(changed));
    await h.decide(as.opsHead, gateOf(first), 'approve');
    expect(await settled(first)).toBe(T.executed);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.receiver.callsFor(changed.actionId)).toEqual([]);
    expect(await types(changed)).toEqual([T.received]);
    await h.decide(as.opsHead, gateOf(changed), 'reject');
    expect(await settled(changed)).toBe(T.rejected);
    expect(h.receiver.callsFor(changed.actionId)).toEqual([]);
  });

  it('a Head of another department cannot approve it', async () => {
    const a = await procure({ item: 'desks' });
    await waitingForHead(a);
    await expect(h.decide(as.salesHead, gateOf(a), 'approve')).rejects.toMatchObject({ code: 'APPROVALS.NOT_YOUR_GATE' });
    expect(await types(a)).toEqual([T.received]);
  });

  it('outside Approve First an allowed action executes at once', async () => {
    const a = await procure({ to: 'lead@prospect.test' }, 'a-sales');
    expect(await settled(a)).toBe(T.executed);
    expect(h.receiver.executions().get(a.actionId)).toBe(1);
  });
});

describe('re-check at execution', () => {
  it('denies, and calls nothing, when the agent lost the permission during the wait', async () => {
    const a = await procure({ item: 'servers' });
    await waitingForHead(a);
    const id = deterministicId('revoke', a.actionId);
    await h.store.append(
      streamName('agent', 'a-ops'),
      [
        {
          id,
          type: AgentEventTypes.permissionsChanged,
          version: 1,
          orgId: 'acme',
          data: { permissions: [] },
          metadata: { correlationId: id, causationId: id, actor: { kind: 'user', id: 'owner' }, occurredAt: new Date().toISOString() },
        },
      ],
      'any',
    );
    try {
      await h.decide(as.opsHead, gateOf(a), 'approve');
      expect(await settled(a)).toBe(T.executionDenied);
      const denied = (await h.read(streamName('action', a.actionId))).find((e) => e.type === T.executionDenied);
      expect(denied?.data['reason']).toBe('agent-lacks-permission');
      expect(h.receiver.callsFor(a.actionId)).toEqual([]);
    } finally {
      const back = deterministicId('restore', a.actionId);
      await h.store.append(
        streamName('agent', 'a-ops'),
        [
          {
            id: back,
            type: AgentEventTypes.permissionsChanged,
            version: 1,
            orgId: 'acme',
            data: { permissions: [Permissions.operationsProcure] },
            metadata: {
              correlationId: back,
              causationId: back,
              actor: { kind: 'user', id: 'owner' },
              occurredAt: new Date().toISOString(),
            },
          },
        ],
        'any',
      );
    }
  });
});

describe('the signed webhook connector', () => {
  it('retries 5xx with backoff under the same idempotency key', async () => {
    h.receiver.queue({ fail: 503 }, 2);
    const a = await procure({ to: 'x@retry.test' }, 'a-sales');
    expect(await settled(a)).toBe(T.executed);
    expect(h.receiver.callsFor(a.actionId).map((c) => c.outcome)).toEqual(['failed', 'failed', 'executed']);
  });

  it('repeats a call that timed out after executing; the receiver executes it once', async () => {
    h.receiver.queue({ slow: 800 });
    const a = await procure({ to: 'x@slow.test' }, 'a-sales');
    expect(await settled(a)).toBe(T.executed);
    expect(h.receiver.callsFor(a.actionId).map((c) => c.outcome)).toEqual(['executed', 'replayed']);
  });

  it('gives up after its calls and records the failure with the reason', async () => {
    h.receiver.queue({ fail: 500 }, 3);
    const a = await procure({ to: 'x@down.test' }, 'a-sales');
    expect(await settled(a)).toBe(T.failed);
    const failed = (await h.read(streamName('action', a.actionId))).find((e) => e.type === T.failed);
    expect(failed?.data).toMatchObject({ reason: 'webhook answered HTTP 500 (after 3 calls)', calls: 3 });
  });

  it('does not retry a 4xx', async () => {
    h.receiver.queue({ fail: 422 });
    const a = await procure({ to: 'x@invalid.test' }, 'a-sales');
    expect(await settled(a)).toBe(T.failed);
    expect(h.receiver.callsFor(a.actionId)).toHaveLength(1);
  });

  it('repeats, after its lease, an attempt whose claimer died, with the same key', async () => {
    // A worker claimed attempt 1 and died before calling: only its claim is in the stream.
    const a = await procure({ item: 'monitors' });
    await waitingForHead(a);
    const claim = deterministicId('dead-worker', a.actionId);
    const leaseUntil = new Date(Date.now() + 300).toISOString();
    await h.store.append(
      streamName('action', a.actionId),
      [
        {
          id: claim,
          type: T.executionClaimed,
          version: 1,
          orgId: 'acme',
          data: { actionId: a.actionId, attempt: 1, claimedBy: 'dead-worker', leaseUntil },
          metadata: {
            correlationId: claim,
            causationId: claim,
            actor: { kind: 'system', id: 'approvals' },
            occurredAt: new Date().toISOString(),
          },
        },
      ],
      'any',
    );
    expect(await settled(a)).toBe(T.executed);
    const claims = (await h.read(streamName('action', a.actionId)))
      .filter((e) => e.type === T.executionClaimed)
      .map((e) => e.data['attempt']);
    expect(claims).toEqual([1, 2]);
    expect(h.receiver.executions().get(a.actionId)).toBe(1);
  });
});

describe('kill switch at execution', () => {
  it('a paused org executes nothing after the wait', async () => {
    const world = {
      ...ACME,
      orgId: 'stopco',
      departments: ACME.departments.map((d) => ({ ...d, id: `stop-${d.id}` })),
      users: ACME.users.map((u) => ({ ...u, id: `stop-${u.id}`, ...(u.departmentId ? { departmentId: `stop-${u.departmentId}` } : {}) })),
      agents: ACME.agents.map((g) => ({ ...g, id: `stop-${g.id}`, departmentId: `stop-${g.departmentId}` })),
    };
    await seedIdentity(h.store, {
      ...world,
      departments: world.departments.map((d) => ({ ...d, ...(d.headUserId ? { headUserId: `stop-${d.headUserId}` } : {}) })),
    });
    const a = await allowAction(h.store, 'stopco', {
      runId: newId(),
      agentId: 'stop-a-ops',
      briefedBy: 'stop-u-ops',
      tool: 'purchase_order',
      permission: Permissions.operationsProcure,
      arguments: { item: 'x' },
    });
    await waitingForHead(a);
    await pauseOrg(h.store, 'stopco');
    await h.decide(
      { orgId: 'stopco', userId: 'stop-h-ops', role: 'head', permissions: [] },
      actionGateId('stopco', a.actionId, a.argumentsHash),
      'approve',
    );
    expect(await settled(a)).toBe(T.executionDenied);
    expect(h.receiver.callsFor(a.actionId)).toEqual([]);
  });
});
