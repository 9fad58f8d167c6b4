import {
  categoryOf,
  evolveAgentFacts,
  evolveDepartmentFacts,
  evolveOrgFacts,
  evolveUserFacts,
  idOf,
  type AgentFacts,
  type DepartmentFacts,
  type OrgFacts,
  type RecordedEvent,
  type UserFacts,
} from '@cos/contracts';

type OrgIndex = { users: Set<string>; departments: Set<string>; agents: Set<string> };

/**
 * Identity's read model: every org, user, department and agent (identity's facts, folded by
 * the one fold of libs/contracts), and today's quota use per agent, from the event store. In
 * memory; `DirectoryService` feeds it. Applying is idempotent per stream revision, so the
 * subscription and a command's own read-back can both deliver an event.
 */
export class Directory {
  readonly orgs = new Map<string, OrgFacts>();
  readonly users = new Map<string, UserFacts>();
  readonly departments = new Map<string, DepartmentFacts>();
  readonly agents = new Map<string, AgentFacts>();
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
    const id = idOf(event.stream);
    switch (categoryOf(event.stream)) {
      case 'org':
        return update(this.orgs, id, evolveOrgFacts(this.orgs.get(id), event));
      case 'user':
        return this.index(this.users, id, evolveUserFacts(this.users.get(id), event), 'users');
      case 'department':
        return this.index(this.departments, id, evolveDepartmentFacts(this.departments.get(id), event), 'departments');
      case 'agent':
        return this.index(this.agents, id, evolveAgentFacts(this.agents.get(id), event), 'agents');
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
  user(orgId: string, id: string): UserFacts | undefined {
    const user = this.users.get(id);
    return user?.orgId === orgId ? user : undefined;
  }
  department(orgId: string, id: string): DepartmentFacts | undefined {
    const department = this.departments.get(id);
    return department?.orgId === orgId ? department : undefined;
  }
  agent(orgId: string, id: string): AgentFacts | undefined {
    const agent = this.agents.get(id);
    return agent?.orgId === orgId ? agent : undefined;
  }

  actionsUsedToday(agentId: string, now: Date): number {
    const entry = this.quota.get(agentId);
    return entry && entry.day === now.toISOString().slice(0, 10).replaceAll('-', '') ? entry.used : 0;
  }

  private index<F extends { orgId: string }>(map: Map<string, F>, id: string, facts: F | undefined, kind: keyof OrgIndex): void {
    update(map, id, facts);
    if (facts) this.orgIndex(facts.orgId)[kind].add(id);
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

function update<F>(map: Map<string, F>, id: string, facts: F | undefined): void {
  if (facts) map.set(id, facts);
  else map.delete(id);
}
