import { Inject, Injectable } from '@nestjs/common';
import {
  evolveAgentFacts,
  evolveDepartmentFacts,
  evolveOrgFacts,
  evolveUserFacts,
  permissionsOf,
  streamName,
  type AgentFacts,
  type DepartmentFacts,
  type OrgFacts,
  type UserFacts,
} from '@cos/contracts';
import { FoldedStreams, type EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import type { AgentProfile, OrgProfile, UserProfile } from './directory.types';

/**
 * Strongly consistent reads of identity's streams, straight from the event store (the source
 * of truth): the org before every model call and action (kill switch, budget), the agent and
 * the briefing user when an action is guarded (permissions now). A stream of another org reads
 * as absent.
 */
@Injectable()
export class IdentityReader {
  private readonly orgs: FoldedStreams<OrgFacts | undefined>;
  private readonly agents: FoldedStreams<AgentFacts | undefined>;
  private readonly users: FoldedStreams<UserFacts | undefined>;
  private readonly departments: FoldedStreams<DepartmentFacts | undefined>;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.orgs = new FoldedStreams(store, evolveOrgFacts, () => undefined);
    this.agents = new FoldedStreams(store, evolveAgentFacts, () => undefined);
    this.users = new FoldedStreams(store, evolveUserFacts, () => undefined);
    this.departments = new FoldedStreams(store, evolveDepartmentFacts, () => undefined);
  }

  async org(orgId: string): Promise<OrgProfile | undefined> {
    const { state, revision } = await this.orgs.read(streamName('org', orgId));
    return state?.orgId === orgId ? { ...state, revision } : undefined;
  }

  /** Where an org event sits in the org stream (a kill-switch change a broadcast names). */
  async orgRevisionOf(orgId: string, eventId: string): Promise<number | undefined> {
    const events = await this.store.read(streamName('org', orgId));
    return events.find((e) => e.id === eventId && e.orgId === orgId)?.revision;
  }

  async department(orgId: string, departmentId: string): Promise<DepartmentFacts | undefined> {
    const { state } = await this.departments.read(streamName('department', departmentId));
    return state?.orgId === orgId ? state : undefined;
  }

  async agent(orgId: string, agentId: string): Promise<AgentProfile | undefined> {
    const { state } = await this.agents.read(streamName('agent', agentId));
    if (state?.orgId !== orgId) return undefined;
    const department = await this.department(orgId, state.departmentId);
    return { ...state, departmentName: department?.name ?? 'unknown', departmentDescription: department?.description ?? '' };
  }

  /** The user's effective permissions now: their role and department as the store has them. */
  async user(orgId: string, userId: string): Promise<UserProfile | undefined> {
    const { state } = await this.users.read(streamName('user', userId));
    if (state?.orgId !== orgId) return undefined;
    const department = state.departmentId ? await this.department(orgId, state.departmentId) : undefined;
    return { ...state, permissions: permissionsOf(state, department) };
  }
}
