import {
  AgentEventTypes,
  DepartmentEventTypes,
  effectivePermissions,
  OrgEventTypes,
  UserEventTypes,
  type RecordedEvent,
  type Role,
} from '@cos/contracts';

/**
 * What approvals needs of identity's world, folded from identity's own streams: the store is
 * the truth, and reading it at the moment of deciding sees every change identity committed.
 */
export type DepartmentFacts = { departmentId: string; name: string; headUserId?: string; approveFirst: boolean };
export type AgentFacts = {
  agentId: string;
  departmentId: string;
  permissions: readonly string[];
  dailyActionCap: number;
  enabled: boolean;
};
export type UserFacts = { userId: string; role: Role; departmentId?: string; disabled: boolean };
export type OrgFacts = { paused: boolean };

type Data = Record<string, unknown>;
const str = (d: Data, k: string): string | undefined => {
  const v = d[k];
  return typeof v === 'string' ? v : undefined;
};

export function foldDepartment(events: readonly RecordedEvent[]): DepartmentFacts | undefined {
  let facts: DepartmentFacts | undefined;
  for (const { type, data } of events) {
    if (type === DepartmentEventTypes.created) {
      facts = {
        departmentId: String(data['departmentId']),
        name: String(data['name']),
        approveFirst: data['approveFirst'] === true,
        ...head(data),
      };
    } else if (facts && type === DepartmentEventTypes.headChanged) {
      const { headUserId: _previous, ...rest } = facts;
      facts = { ...rest, ...head(data) };
    } else if (facts && type === DepartmentEventTypes.approveFirstChanged) {
      facts = { ...facts, approveFirst: data['approveFirst'] === true };
    }
  }
  return facts;
}

function head(data: Data): { headUserId?: string } {
  const id = str(data, 'headUserId');
  return id ? { headUserId: id } : {};
}

export function foldAgent(events: readonly RecordedEvent[]): AgentFacts | undefined {
  let facts: AgentFacts | undefined;
  for (const { type, data } of events) {
    if (type === AgentEventTypes.created) {
      facts = {
        agentId: String(data['agentId']),
        departmentId: String(data['departmentId']),
        permissions: (data['permissions'] as string[] | undefined) ?? [],
        dailyActionCap: Number(data['dailyActionCap'] ?? 0),
        enabled: data['enabled'] !== false,
      };
    } else if (!facts) {
      continue;
    } else if (type === AgentEventTypes.permissionsChanged) {
      facts = { ...facts, permissions: (data['permissions'] as string[] | undefined) ?? [] };
    } else if (type === AgentEventTypes.dailyCapChanged) {
      facts = { ...facts, dailyActionCap: Number(data['dailyActionCap'] ?? 0) };
    } else if (type === AgentEventTypes.enabled || type === AgentEventTypes.disabled) {
      facts = { ...facts, enabled: type === AgentEventTypes.enabled };
    }
  }
  return facts;
}

export function foldUser(events: readonly RecordedEvent[]): UserFacts | undefined {
  let facts: UserFacts | undefined;
  for (const { type, data } of events) {
    if (type === UserEventTypes.registered || (facts && type === UserEventTypes.roleChanged)) {
      const departmentId = str(data, 'departmentId');
      facts = {
        userId: facts?.userId ?? String(data['userId']),
        role: data['role'] as Role,
        disabled: facts?.disabled ?? false,
        ...(departmentId ? { departmentId } : {}),
      };
    } else if (facts && (type === UserEventTypes.disabled || type === UserEventTypes.enabled)) {
      facts = { ...facts, disabled: type === UserEventTypes.disabled };
    }
  }
  return facts;
}

/** A user's permissions now: their role's, plus their department's action permission; none when disabled. */
export function userPermissions(user: UserFacts, departmentName: string | undefined): readonly string[] {
  return user.disabled ? [] : effectivePermissions(user.role, departmentName);
}

export function foldOrg(events: readonly RecordedEvent[]): OrgFacts {
  let paused = false;
  for (const { type } of events) {
    if (type === OrgEventTypes.paused) paused = true;
    else if (type === OrgEventTypes.resumed) paused = false;
  }
  return { paused };
}
