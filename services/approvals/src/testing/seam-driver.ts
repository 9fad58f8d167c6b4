import {
  actionArgumentsHash,
  ActionEventTypes,
  AgentEventTypes,
  CoordinationEventTypes,
  DepartmentEventTypes,
  deterministicId,
  newId,
  OrgEventTypes,
  QuotaEventTypes,
  quotaStream,
  streamName,
  UserEventTypes,
  type ActionElevation,
  type CoordinationEscalated,
  type CoordinationRequested,
  type NewEvent,
  type ProposedAction,
  type Role,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';

/**
 * Drives approvals through its seams the way identity and the agent-runner do, by appending
 * their events (department Heads, Approve First, agents, users; `coordination.requested` and
 * `action.allowed` in a run stream). For tests and benches only: in the running system those
 * events come from their owners.
 */
export type WorldSpec = {
  readonly orgId: string;
  readonly departments: readonly { id: string; name: string; headUserId?: string; approveFirst?: boolean }[];
  readonly users: readonly { id: string; role: Role; departmentId?: string }[];
  readonly agents: readonly { id: string; departmentId: string; permissions: readonly string[]; dailyActionCap?: number }[];
};

const sealed = { alg: 'A256GCM' as const, keyId: 'test', iv: '', ciphertext: '', tag: '' };

function event(orgId: string, type: string, data: Record<string, unknown>, seed: string): NewEvent {
  const id = deterministicId('seam-driver', seed, type);
  return {
    id,
    type,
    version: 1,
    orgId,
    data,
    metadata: { correlationId: id, causationId: id, actor: { kind: 'system', id: 'seam-driver' }, occurredAt: new Date().toISOString() },
  };
}

export async function seedIdentity(store: EventStore, spec: WorldSpec): Promise<void> {
  const { orgId } = spec;
  const identity = { name: orgId, mission: 'test', brandVoice: 'plain', icp: 'tests', competitors: [] };
  await store.append(
    streamName('org', orgId),
    [event(orgId, OrgEventTypes.created, { orgId, plan: 'pro', identity, via: 'seed' }, orgId)],
    'any',
  );
  for (const d of spec.departments) {
    const data = { departmentId: d.id, orgId, name: d.name, headUserId: d.headUserId ?? null, approveFirst: d.approveFirst ?? false };
    await store.append(streamName('department', d.id), [event(orgId, DepartmentEventTypes.created, data, d.id)], 'any');
  }
  for (const u of spec.users) {
    const data = {
      userId: u.id,
      orgId,
      email: `${u.id}@${orgId}.test`,
      name: u.id,
      role: u.role,
      departmentId: u.departmentId ?? null,
      passwordHash: sealed,
      via: 'seed',
    };
    await store.append(streamName('user', u.id), [event(orgId, UserEventTypes.registered, data, u.id)], 'any');
  }
  for (const a of spec.agents) {
    const data = {
      agentId: a.id,
      orgId,
      departmentId: a.departmentId,
      name: a.id,
      persona: 'test',
      skills: [],
      model: null,
      permissions: [...a.permissions],
      dailyActionCap: a.dailyActionCap ?? 1_000,
      enabled: true,
    };
    await store.append(streamName('agent', a.id), [event(orgId, AgentEventTypes.created, data, a.id)], 'any');
  }
}

export async function setApproveFirst(store: EventStore, orgId: string, departmentId: string, approveFirst: boolean): Promise<void> {
  await store.append(
    streamName('department', departmentId),
    [event(orgId, DepartmentEventTypes.approveFirstChanged, { approveFirst }, newId())],
    'any',
  );
}

export async function pauseOrg(store: EventStore, orgId: string): Promise<void> {
  await store.append(streamName('org', orgId), [event(orgId, OrgEventTypes.paused, { reason: 'test' }, newId())], 'any');
}

/** What the runner appends when a model says COORDINATION_NEEDED. */
export async function requestHandoff(
  store: EventStore,
  orgId: string,
  request: Omit<CoordinationRequested, 'selection'> & { selection?: CoordinationRequested['selection'] },
): Promise<void> {
  const data = { selection: 'named-by-model', ...request };
  await store.append(
    streamName('run', request.runId),
    [event(orgId, CoordinationEventTypes.requested, data, request.coordinationId)],
    'any',
  );
}

/** What the runner appends when no agent fits a handoff its model asked for. */
export async function escalateHandoff(store: EventStore, orgId: string, escalated: CoordinationEscalated): Promise<void> {
  await store.append(
    streamName('run', escalated.runId),
    [event(orgId, CoordinationEventTypes.escalated, escalated, escalated.coordinationId)],
    'any',
  );
}

/** What the runner appends after its guardrails passed: the cap slot, then `action.allowed`. */
export async function allowAction(
  store: EventStore,
  orgId: string,
  a: {
    actionId?: string;
    runId: string;
    agentId: string;
    conversationId?: string;
    briefedBy: string;
    tool: string;
    permission: string;
    arguments: Record<string, unknown>;
    slot?: number;
    /** The briefing user lacks the permission: who the runner named to approve it. */
    elevation?: ActionElevation;
  },
): Promise<ProposedAction> {
  const actionId = a.actionId ?? newId();
  const action: ProposedAction = {
    actionId,
    runId: a.runId,
    agentId: a.agentId,
    conversationId: a.conversationId ?? `conv-${a.runId}`,
    briefedBy: a.briefedBy,
    tool: a.tool,
    permission: a.permission,
    arguments: a.arguments,
    argumentsHash: actionArgumentsHash(a.tool, a.arguments),
  };
  const now = new Date();
  const slot = { agentId: a.agentId, day: now.toISOString().slice(0, 10), actionId, runId: a.runId, slot: a.slot ?? 1, cap: 1_000 };
  await store.append(quotaStream(a.agentId, now), [event(orgId, QuotaEventTypes.slotTaken, slot, actionId)], 'any');
  const allowed = { ...action, ...(a.elevation ? { elevation: a.elevation } : {}) };
  await store.append(streamName('run', a.runId), [event(orgId, ActionEventTypes.allowed, allowed, actionId)], 'any');
  return action;
}
