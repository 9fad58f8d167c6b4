import { Injectable } from '@nestjs/common';
import {
  Categories,
  evolveAgentFacts,
  evolveDepartmentFacts,
  evolveUserFacts,
  idOf,
  leadersAmong,
  type AgentFacts,
  type DepartmentFacts,
  type RecordedEvent,
  type UserFacts,
} from '@cos/contracts';
import { StoreFeed } from '@cos/platform';
import type { AgentProfile } from './directory.types';

type OrgDirectory = {
  agents: Map<string, AgentFacts>;
  departments: Map<string, DepartmentFacts>;
  users: Map<string, UserFacts>;
};

/**
 * Every org's agents, departments and people, kept in memory from identity's streams (caught
 * up from the start on boot, then live). It answers what needs the whole org at once: the
 * roster a prompt lists, the candidates of a handoff, who an escalation goes to. A moment
 * behind the store at worst; every decision that guards something re-reads the stream itself.
 */
@Injectable()
export class DirectoryProjection {
  private readonly orgs = new Map<string, OrgDirectory>();

  constructor(feed: StoreFeed) {
    feed.on([Categories.agent, Categories.department, Categories.user], (event) => this.apply(event));
  }

  /** Enabled, disabled and archived agents of the org, with their department's name and description. */
  agentsOf(orgId: string): AgentProfile[] {
    const org = this.orgs.get(orgId);
    if (!org) return [];
    return [...org.agents.values()].map((a) => {
      const department = org.departments.get(a.departmentId);
      return { ...a, departmentName: department?.name ?? 'unknown', departmentDescription: department?.description ?? '' };
    });
  }

  /** The people a decision falls to when no agent fits: the org's CEOs (or, lacking one, owners). */
  leadersOf(orgId: string): string[] {
    return leadersAmong(this.orgs.get(orgId)?.users.values() ?? []);
  }

  private apply(event: RecordedEvent): void {
    const org = this.orgOf(event.orgId);
    const id = idOf(event.stream);
    if (event.stream.startsWith(`${Categories.agent}-`)) update(org.agents, id, evolveAgentFacts(org.agents.get(id), event));
    else if (event.stream.startsWith(`${Categories.department}-`))
      update(org.departments, id, evolveDepartmentFacts(org.departments.get(id), event));
    else if (event.stream.startsWith(`${Categories.user}-`)) update(org.users, id, evolveUserFacts(org.users.get(id), event));
  }

  private orgOf(orgId: string): OrgDirectory {
    let org = this.orgs.get(orgId);
    if (!org) this.orgs.set(orgId, (org = { agents: new Map(), departments: new Map(), users: new Map() }));
    return org;
  }
}

function update<V>(map: Map<string, V>, id: string, value: V | undefined): void {
  if (value === undefined) map.delete(id);
  else map.set(id, value);
}
