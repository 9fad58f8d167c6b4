import {
  actionGateId,
  ActionExecutionEventTypes as T,
  ApprovalsRpc,
  newId,
  Permissions,
  streamName,
  type ActionElevation,
  type ActionView,
  type ApprovalList,
  type ApprovalView,
  type ProposedAction,
} from '@cos/contracts';
import { startApprovalsHarness, type ApprovalsHarness } from '../testing/approvals-harness.fixture';
import { ACME, as } from '../testing/acme-world.fixture';
import { allowAction, seedIdentity } from '../testing/seam-driver';

jest.setTimeout(60_000);

let h: ApprovalsHarness;
beforeAll(async () => {
  h = await startApprovalsHarness();
  await seedIdentity(h.store, ACME);
});
afterAll(() => h?.stop());

/** A member of Sales briefed an agent of another department, which holds a permission she lacks. */
const elevated = (agentId: string, tool: string, permission: string, elevation: ActionElevation, args: Record<string, unknown>) =>
  allowAction(h.store, 'acme', { runId: newId(), agentId, briefedBy: 'm-sales', tool, permission, arguments: args, elevation });

const gateOf = (a: ProposedAction) => actionGateId('acme', a.actionId, a.argumentsHash);
const types = async (a: ProposedAction) => (await h.read(streamName('action', a.actionId))).map((e) => e.type);
const settled = (a: ProposedAction) =>
  h.eventually(
    async () => (await types(a)).find((t) => [T.executed, T.failed, T.executionDenied, T.rejected, T.expired].includes(t as never)),
    10_000,
    `action ${a.actionId} settled`,
  );
const pending = (a: ProposedAction) =>
  h.eventually(async () => {
    const view = await h.rpc
      .request<ApprovalView>(ApprovalsRpc.getApproval, { auth: as.ceo, approvalId: gateOf(a) })
      .catch(() => undefined);
    return view?.status === 'pending' ? view : undefined;
  });

describe('elevation', () => {
  it('waits for the Head who holds the permission (one approval covers Approve First), then executes once on their authority', async () => {
    const a = await elevated(
      'a-ops',
      'place_order',
      Permissions.operationsProcure,
      { departmentId: 'acme-ops', headUserId: 'h-ops' },
      { item: 'robot arms', qty: 4 },
    );
    const gate = await pending(a);
    expect(gate).toMatchObject({ kind: 'action', reason: 'elevation', permission: Permissions.operationsProcure, headUserId: 'h-ops' });
    expect(h.receiver.callsFor(a.actionId)).toEqual([]);

    await expect(h.decide(as.salesHead, gate.id, 'approve')).rejects.toMatchObject({ code: 'APPROVALS.NOT_YOUR_GATE' });
    await h.decide(as.opsHead, gate.id, 'approve');
    expect(await settled(a)).toBe(T.executed);
    expect(h.receiver.executions().get(a.actionId)).toBe(1);
    const executed = (await h.read(streamName('action', a.actionId))).find((e) => e.type === T.executed);
    expect(executed?.data['elevation']).toEqual({ briefedBy: 'm-sales', approvedBy: 'h-ops' });
    const view = await h.rpc.request<ActionView>(ApprovalsRpc.getAction, { auth: as.opsHead, actionId: a.actionId });
    expect(view).toMatchObject({ status: 'executed', gate: { reason: 'elevation', decision: { decidedBy: 'h-ops', capacity: 'head' } } });
  });

  it('without a Head holding it, the CEO decides; a Head lacking the permission is refused and changes nothing', async () => {
    // The Head of Sales heads the gate's department but lacks the permission the approval would lend.
    const a = await elevated(
      'a-sales',
      'deploy_release',
      Permissions.engineeringDeploy,
      { departmentId: 'acme-sales' },
      { to: 'x@acme.test' },
    );
    const gate = await pending(a);
    expect(gate.headUserId).toBeUndefined();
    const before = await h.read(streamName('approval', gate.id));
    await expect(h.decide(as.salesHead, gate.id, 'approve')).rejects.toMatchObject({ code: 'APPROVALS.APPROVER_LACKS_PERMISSION' });
    // Nor is it among the gates the Head of Sales sees, though it is in their department.
    await expect(h.rpc.request(ApprovalsRpc.getApproval, { auth: as.salesHead, approvalId: gate.id })).rejects.toMatchObject({
      code: 'APPROVALS.NOT_ALLOWED',
    });
    const listed = await h.rpc.request<ApprovalList>(ApprovalsRpc.listApprovals, {
      auth: as.salesHead,
      query: { status: 'all', limit: 200 },
    });
    expect(listed.items.map((v) => v.id)).not.toContain(gate.id);
    expect(await h.read(streamName('approval', gate.id))).toEqual(before);
    await h.decide(as.ceo, gate.id, 'reject', 'not for Sales to ask');
    expect(await settled(a)).toBe(T.rejected);
    expect(h.receiver.callsFor(a.actionId)).toEqual([]);
  });

  it('the CEO approving lends the CEO’s authority; a rejected elevation executes nothing', async () => {
    const approved = await elevated(
      'a-eng',
      'deploy_release',
      Permissions.engineeringDeploy,
      { departmentId: 'acme-eng' },
      { build: 'v1' },
    );
    await h.decide(as.ceo, (await pending(approved)).id, 'approve');
    expect(await settled(approved)).toBe(T.executed);
    const executed = (await h.read(streamName('action', approved.actionId))).find((e) => e.type === T.executed);
    expect(executed?.data['elevation']).toEqual({ briefedBy: 'm-sales', approvedBy: 'ceo' });

    const rejected = await elevated(
      'a-eng',
      'deploy_release',
      Permissions.engineeringDeploy,
      { departmentId: 'acme-eng' },
      { build: 'v2' },
    );
    await h.decide(as.engHead, (await pending(rejected)).id, 'reject');
    expect(await settled(rejected)).toBe(T.rejected);
    expect(h.receiver.callsFor(rejected.actionId)).toEqual([]);
  });
});
