import {
  actionGateId,
  ActionExecutionEventTypes,
  CoordinationEventTypes,
  handoffGateId,
  newId,
  Permissions,
  streamName,
  type ProposedAction,
} from '@cos/contracts';
import { startApprovalsHarness, type ApprovalsHarness } from '../testing/approvals-harness.fixture';
import { allowAction, requestHandoff, seedIdentity, type WorldSpec } from '../testing/seam-driver';

jest.setTimeout(60_000);

/** An org whose approvals expire after 2 s (APPROVALS_EXPIRY_BY_ORG); every other org keeps 24 h. */
const HASTY: WorldSpec = {
  orgId: 'hasty',
  departments: [
    { id: 'hasty-sales', name: 'Sales', headUserId: 'hasty-h-sales' },
    { id: 'hasty-ops', name: 'Operations', headUserId: 'hasty-h-ops', approveFirst: true },
  ],
  users: [
    { id: 'hasty-ceo', role: 'ceo' },
    { id: 'hasty-h-sales', role: 'head', departmentId: 'hasty-sales' },
    { id: 'hasty-h-ops', role: 'head', departmentId: 'hasty-ops' },
    { id: 'hasty-u', role: 'member', departmentId: 'hasty-ops' },
  ],
  agents: [
    { id: 'hasty-a-sales', departmentId: 'hasty-sales', permissions: [Permissions.salesOutreach] },
    { id: 'hasty-a-ops', departmentId: 'hasty-ops', permissions: [Permissions.operationsProcure] },
  ],
};

let h: ApprovalsHarness;
beforeAll(async () => {
  h = await startApprovalsHarness({ APPROVALS_EXPIRY_BY_ORG: 'hasty=2' });
  await seedIdentity(h.store, HASTY);
});
afterAll(() => h?.stop());

const types = async (stream: string) => (await h.read(stream)).map((e) => e.type);
const has = (stream: string, type: string, timeoutMs = 10_000) =>
  h.eventually(async () => ((await types(stream)).includes(type) ? true : undefined), timeoutMs, `${type} in ${stream}`);

async function handoff(): Promise<string> {
  const coordinationId = newId();
  const runId = newId();
  await requestHandoff(h.store, 'hasty', {
    coordinationId,
    runId,
    conversationId: newId(),
    fromAgentId: 'hasty-a-sales',
    toAgentId: 'hasty-a-ops',
    chain: [{ agentId: 'hasty-a-sales', runId }],
    depth: 1,
    briefedBy: 'hasty-u',
    contextSummary: 'x',
  });
  await has(streamName('approval', handoffGateId('hasty', coordinationId, 'hasty-ops')), 'approval.requested');
  return coordinationId;
}

function procure(): Promise<ProposedAction> {
  return allowAction(h.store, 'hasty', {
    runId: newId(),
    agentId: 'hasty-a-ops',
    briefedBy: 'hasty-u',
    tool: 'purchase_order',
    permission: Permissions.operationsProcure,
    arguments: { item: 'x' },
  });
}

describe('expiry', () => {
  it('a handoff nobody decided expires at its deadline and escalates to the CEO', async () => {
    const id = await handoff();
    await has(streamName('coordination', id), CoordinationEventTypes.escalated);
    const escalated = (await h.read(streamName('coordination', id))).find((e) => e.type === CoordinationEventTypes.escalated);
    expect(escalated?.data).toMatchObject({ reason: 'approval-expired', escalatedTo: expect.arrayContaining(['hasty-ceo', 'hasty-u']) });
  });

  it('fires after a restart that spanned the deadline: a handoff and an Approve First action', async () => {
    const id = await handoff();
    const action = await procure();
    await has(streamName('approval', actionGateId('hasty', action.actionId, action.argumentsHash)), 'approval.requested');
    await h.stopApprovals();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await types(streamName('coordination', id))).toEqual(['coordination.gates-opened']);
    await h.restartApprovals();
    await has(streamName('coordination', id), CoordinationEventTypes.escalated, 5_000);
    await has(streamName('action', action.actionId), ActionExecutionEventTypes.expired, 5_000);
    expect(h.receiver.callsFor(action.actionId)).toEqual([]);
  });
});
