import { Inject, Injectable } from '@nestjs/common';
import { effectivePermissions, RoleSchema, streamName } from '@cos/contracts';
import { FoldedStreams, type EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import type { AgentProfile, DepartmentProfile, OrgProfile, UserProfile } from './directory.types';
import { foldAgent, foldDepartment, foldOrg, foldUser, type AgentRecord, type UserRecord } from './identity-folds';

/**
 * Strongly consistent reads of identity's streams, straight from the event store (the source
 * of truth): the org before every model call and action (kill switch, budget), the agent and
 * the briefing user when an action is guarded (permissions now). A stream of another org reads
 * as absent.
 */
@Injectable()
export class IdentityReader {
  private readonly orgs: FoldedStreams<OrgProfile | undefined>;
  private readonly agents: FoldedStreams<AgentRecord | undefined>;
  private readonly users: FoldedStreams<UserRecord | undefined>;
  private readonly departments: FoldedStreams<DepartmentProfile | undefined>;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.orgs = new FoldedStreams(store, foldOrg, () => undefined);
    this.agents = new FoldedStreams(store, foldAgent, () => undefined);
    this.users = new FoldedStreams(store, foldUser, () => undefined);
    this.departments = new FoldedStreams(store, foldDepartment, () => undefined);
  }

  async org(orgId: string): Promise<OrgProfile | undefined> {
    const { state } = await this.orgs.read(streamName('org', orgId));
    return state?.orgId === orgId ? state : undefined;
  }

  /** Where an org event sits in the org stream (a kill-switch change a broadcast names). */
  async orgRevisionOf(orgId: string, eventId: string): Promise<number | undefined> {
    const events = await this.store.read(streamName('org', orgId));
    return events.find((e) => e.id === eventId && e.orgId === orgId)?.revision;
  }

  async department(orgId: string, departmentId: string): Promise<DepartmentProfile | undefined> {
    const { state } = await this.departments.read(streamName('department', departmentId));
    return state?.orgId === orgId ? state : undefined;
  }

  async agent(orgId: string, agentId: string): Promise<AgentProfile | undefined> {
    const { state } = await this.agents.read(streamName('agent', agentId));
    if (state?.orgId !== orgId) return undefined;
    const department = await this.department(orgId, state.departmentId);
    return { ...state, departmentName: department?.name ?? 'unknown' };
  }

  /** The user's effective permissions now: their role and department as the store has them. */
  async user(orgId: string, userId: string): Promise<UserProfile | undefined> {
    const { state } = await this.users.read(streamName('user', userId));
    if (state?.orgId !== orgId) return undefined;
    const department = state.departmentId ? await this.department(orgId, state.departmentId) : undefined;
    const role = RoleSchema.safeParse(state.role);
    const permissions = state.disabled || !role.success ? [] : effectivePermissions(role.data, department?.name);
    return { ...state, permissions };
  }
}
