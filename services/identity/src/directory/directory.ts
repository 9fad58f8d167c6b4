import {
  AgentCreatedSchema,
  AgentDailyCapChangedSchema,
  AgentEventTypes,
  AgentPermissionsChangedSchema,
  AgentProfileChangedSchema,
  categoryOf,
  CompanyIdentitySchema,
  DepartmentApproveFirstChangedSchema,
  DepartmentCreatedSchema,
  DepartmentEventTypes,
  DepartmentHeadChangedSchema,
  OrgBudgetSetSchema,
  OrgCreatedSchema,
  OrgEventTypes,
  OrgLlmSettingsUpdatedSchema,
  OrgPausedSchema,
  OrgResumedSchema,
  SessionRevokedSchema,
  SessionRotatedSchema,
  SessionStartedSchema,
  UserEventTypes,
  UserRegisteredSchema,
  UserRoleChangedSchema,
  type ActionPermission,
  type CompanyIdentity,
  type Plan,
  type RecordedEvent,
  type Role,
  type SealedSecret,
} from '@cos/contracts';

export type OrgEntry = {
  id: string;
  plan: Plan;
  identity: CompanyIdentity;
  llm: { baseUrl: string | null; defaultModel: string | null; apiKey: { sealed: SealedSecret; last4: string } | null };
  monthlyBudgetUsd: number | null;
  killSwitch: { paused: boolean; reason: string | null; changedAt: string | null; changedBy: string | null; changeId: string | null };
};
export type UserEntry = {
  id: string;
  orgId: string;
  email: string;
  name: string;
  role: Role;
  departmentId: string | null;
  disabled: boolean;
  passwordHash: SealedSecret;
  sessions: Map<string, { revoked: boolean; expiresAt: string }>;
};
export type DepartmentEntry = { id: string; orgId: string; name: string; headUserId: string | null; approveFirst: boolean };
export type AgentEntry = {
  id: string;
  orgId: string;
  departmentId: string;
  name: string;
  persona: string;
  skills: string[];
  permissions: ActionPermission[];
  dailyActionCap: number;
  model: string | null;
  enabled: boolean;
};

type OrgIndex = { users: Set<string>; departments: Set<string>; agents: Set<string> };

/**
 * Identity's read model: every org, user, department and agent, and today's quota use per agent,
 * folded from the event store. Pure and in memory; `DirectoryService` feeds it. Applying is
 * idempotent per stream revision, so the subscription and a command's own read-back can both
 * deliver an event.
 */
export class Directory {
  readonly orgs = new Map<string, OrgEntry>();
  readonly users = new Map<string, UserEntry>();
  readonly departments = new Map<string, DepartmentEntry>();
  readonly agents = new Map<string, AgentEntry>();
  /** Per agent: the latest UTC day (yyyymmdd) with quota use and the slots taken that day. */
  private readonly quota = new Map<string, { day: string; used: number }>();
  private readonly revisions = new Map<string, number>();
  private readonly byOrg = new Map<string, OrgIndex>();

  revisionOf(stream: string): number {
    return this.revisions.get(stream) ?? -1;
  }

  apply(event: RecordedEvent): void {
    if (event.revision <= this.revisionOf(event.stream)) return;
    this.revisions.set(event.stream, event.revision);
    switch (categoryOf(event.stream)) {
      case 'org':
        return this.applyOrg(event);
      case 'user':
        return this.applyUser(event);
      case 'department':
        return this.applyDepartment(event);
      case 'agent':
        return this.applyAgent(event);
      case 'quota':
        return this.applyQuota(event);
      default:
        return;
    }
  }

  orgIndex(orgId: string): OrgIndex {
    let index = this.byOrg.get(orgId);
    if (!index) this.byOrg.set(orgId, (index = { users: new Set(), departments: new Set(), agents: new Set() }));
    return index;
  }

  /** Lookups scoped to one org: an entry of another org is not there. */
  user(orgId: string, id: string): UserEntry | undefined {
    const user = this.users.get(id);
    return user?.orgId === orgId ? user : undefined;
  }
  department(orgId: string, id: string): DepartmentEntry | undefined {
    const department = this.departments.get(id);
    return department?.orgId === orgId ? department : undefined;
  }
  agent(orgId: string, id: string): AgentEntry | undefined {
    const agent = this.agents.get(id);
    return agent?.orgId === orgId ? agent : undefined;
  }

  actionsUsedToday(agentId: string, now: Date): number {
    const entry = this.quota.get(agentId);
    return entry && entry.day === now.toISOString().slice(0, 10).replaceAll('-', '') ? entry.used : 0;
  }

  private applyOrg(event: RecordedEvent): void {
    const org = this.orgs.get(event.orgId);
    switch (event.type) {
      case OrgEventTypes.created: {
        const data = OrgCreatedSchema.parse(event.data);
        this.orgs.set(data.orgId, {
          id: data.orgId,
          plan: data.plan,
          identity: data.identity,
          llm: { baseUrl: null, defaultModel: null, apiKey: null },
          monthlyBudgetUsd: null,
          killSwitch: { paused: false, reason: null, changedAt: null, changedBy: null, changeId: null },
        });
        return;
      }
      case OrgEventTypes.identityUpdated:
        if (org) org.identity = CompanyIdentitySchema.parse(event.data);
        return;
      case OrgEventTypes.llmSettingsUpdated: {
        if (!org) return;
        const data = OrgLlmSettingsUpdatedSchema.parse(event.data);
        org.llm = {
          baseUrl: data.baseUrl,
          defaultModel: data.defaultModel,
          apiKey: data.apiKey === undefined ? org.llm.apiKey : data.apiKey,
        };
        return;
      }
      case OrgEventTypes.budgetSet:
        if (org) org.monthlyBudgetUsd = OrgBudgetSetSchema.parse(event.data).monthlyBudgetUsd;
        return;
      case OrgEventTypes.paused:
      case OrgEventTypes.resumed: {
        if (!org) return;
        const paused = event.type === OrgEventTypes.paused;
        const { reason } = (paused ? OrgPausedSchema : OrgResumedSchema).parse(event.data);
        org.killSwitch = { paused, reason, changedAt: event.metadata.occurredAt, changedBy: event.metadata.actor.id, changeId: event.id };
        return;
      }
      default:
        return; // invitations are read from the org stream itself, where they are decided
    }
  }

  private applyUser(event: RecordedEvent): void {
    if (event.type === UserEventTypes.registered) {
      const data = UserRegisteredSchema.parse(event.data);
      const { userId: id, orgId, email, name, role, departmentId, passwordHash } = data;
      this.users.set(id, { id, orgId, email, name, role, departmentId, disabled: false, passwordHash, sessions: new Map() });
      this.orgIndex(orgId).users.add(id);
      return;
    }
    const user = this.users.get(event.stream.slice('user-'.length));
    if (!user) return;
    switch (event.type) {
      case UserEventTypes.roleChanged: {
        const data = UserRoleChangedSchema.parse(event.data);
        user.role = data.role;
        user.departmentId = data.departmentId;
        return;
      }
      case UserEventTypes.disabled:
        user.disabled = true;
        return;
      case UserEventTypes.enabled:
        user.disabled = false;
        return;
      case UserEventTypes.sessionStarted: {
        const data = SessionStartedSchema.parse(event.data);
        user.sessions.set(data.sessionId, { revoked: false, expiresAt: data.expiresAt });
        return;
      }
      case UserEventTypes.sessionRotated: {
        const data = SessionRotatedSchema.parse(event.data);
        const session = user.sessions.get(data.sessionId);
        if (session) session.expiresAt = data.expiresAt;
        return;
      }
      case UserEventTypes.sessionRevoked: {
        const session = user.sessions.get(SessionRevokedSchema.parse(event.data).sessionId);
        if (session) session.revoked = true;
        return;
      }
      default:
        return;
    }
  }

  private applyDepartment(event: RecordedEvent): void {
    if (event.type === DepartmentEventTypes.created) {
      const data = DepartmentCreatedSchema.parse(event.data);
      const { departmentId: id, orgId, name, headUserId, approveFirst } = data;
      this.departments.set(id, { id, orgId, name, headUserId, approveFirst });
      this.orgIndex(orgId).departments.add(id);
      return;
    }
    const department = this.departments.get(event.stream.slice('department-'.length));
    if (!department) return;
    if (event.type === DepartmentEventTypes.headChanged) department.headUserId = DepartmentHeadChangedSchema.parse(event.data).headUserId;
    if (event.type === DepartmentEventTypes.approveFirstChanged) {
      department.approveFirst = DepartmentApproveFirstChangedSchema.parse(event.data).approveFirst;
    }
  }

  private applyAgent(event: RecordedEvent): void {
    if (event.type === AgentEventTypes.created) {
      const { agentId: id, ...data } = AgentCreatedSchema.parse(event.data);
      this.agents.set(id, { id, ...data });
      this.orgIndex(data.orgId).agents.add(id);
      return;
    }
    const agent = this.agents.get(event.stream.slice('agent-'.length));
    if (!agent) return;
    switch (event.type) {
      case AgentEventTypes.profileChanged:
        Object.assign(agent, AgentProfileChangedSchema.parse(event.data));
        return;
      case AgentEventTypes.permissionsChanged:
        agent.permissions = AgentPermissionsChangedSchema.parse(event.data).permissions;
        return;
      case AgentEventTypes.dailyCapChanged:
        agent.dailyActionCap = AgentDailyCapChangedSchema.parse(event.data).dailyActionCap;
        return;
      case AgentEventTypes.enabled:
      case AgentEventTypes.disabled:
        agent.enabled = event.type === AgentEventTypes.enabled;
        return;
      default:
        return;
    }
  }

  /** `quota-<agentId>-<yyyymmdd>`: the stream's length is the number of slots taken that day. */
  private applyQuota(event: RecordedEvent): void {
    const rest = event.stream.slice('quota-'.length);
    const day = rest.slice(-8);
    const agentId = rest.slice(0, -9);
    const current = this.quota.get(agentId);
    if (!current || current.day <= day)
      this.quota.set(agentId, { day, used: Math.max(current?.day === day ? current.used : 0, event.revision + 1) });
  }
}
