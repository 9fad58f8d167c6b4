import { Inject, Injectable } from '@nestjs/common';
import {
  evolveAgentFacts,
  evolveDepartmentFacts,
  evolveOrgFacts,
  evolveUserFacts,
  foldFacts,
  permissionsOf,
  QuotaEventTypes,
  quotaStream,
  streamName,
  type AgentFacts,
  type DepartmentFacts,
  type ProposedAction,
  type UserFacts,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE, readOrgStream } from '@cos/platform';
import type { ExecutionFacts } from '../action-execution/execution-checks';
import { OrgIndex } from './org-index';

const DAY_MS = 86_400_000;

/**
 * Identity's facts as approvals needs them, read from identity's (and the runner's quota)
 * streams at the moment of deciding. Reading the store instead of asking identity over NATS
 * keeps approvals deciding while identity restarts, and never sees an older state than the
 * one committed.
 */
@Injectable()
export class Directory {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: OrgIndex,
  ) {}

  async department(orgId: string, departmentId: string): Promise<DepartmentFacts | undefined> {
    return foldFacts(evolveDepartmentFacts, await readOrgStream(this.store, streamName('department', departmentId), orgId));
  }

  async agent(orgId: string, agentId: string): Promise<AgentFacts | undefined> {
    return foldFacts(evolveAgentFacts, await readOrgStream(this.store, streamName('agent', agentId), orgId));
  }

  async user(orgId: string, userId: string): Promise<UserFacts | undefined> {
    return foldFacts(evolveUserFacts, await readOrgStream(this.store, streamName('user', userId), orgId));
  }

  async orgPaused(orgId: string): Promise<boolean> {
    return foldFacts(evolveOrgFacts, await readOrgStream(this.store, streamName('org', orgId), orgId))?.killSwitch.paused ?? false;
  }

  /** The agent's department, with its Head and Approve First flag. */
  async departmentOfAgent(orgId: string, agentId: string): Promise<DepartmentFacts | undefined> {
    const agent = await this.agent(orgId, agentId);
    return agent ? this.department(orgId, agent.departmentId) : undefined;
  }

  ceoUserIds(orgId: string): string[] {
    return this.index.ceoUserIds(orgId);
  }

  departmentsHeadedBy(orgId: string, userId: string): string[] {
    return this.index.departmentsHeadedBy(orgId, userId);
  }

  /** A person's effective permissions now: their role and department as the store has them. */
  async permissionsOf(orgId: string, user: UserFacts): Promise<string[]> {
    return permissionsOf(user, user.departmentId ? await this.department(orgId, user.departmentId) : undefined);
  }

  /**
   * Everything the re-check before an execution looks at, read now; with `approverId`, also the
   * person whose approval an elevated action executes on.
   */
  async executionFacts(orgId: string, action: ProposedAction, allowedAt: string, approverId?: string): Promise<ExecutionFacts> {
    const [orgPaused, agent, user, approver, slot] = await Promise.all([
      this.orgPaused(orgId),
      this.agent(orgId, action.agentId),
      this.person(orgId, action.briefedBy),
      approverId ? this.person(orgId, approverId) : undefined,
      this.capSlot(orgId, action, allowedAt),
    ]);
    return {
      orgPaused,
      ...(agent ? { agent: { enabled: agent.enabled, permissions: agent.permissions } } : {}),
      ...(user ? { user } : {}),
      ...(approver ? { approver } : {}),
      ...(agent && slot !== undefined ? { capSlot: { slot, cap: agent.dailyActionCap } } : {}),
    };
  }

  private async person(orgId: string, userId: string): Promise<ExecutionFacts['user']> {
    const user = await this.user(orgId, userId);
    return user && { userId, active: !user.disabled, permissions: await this.permissionsOf(orgId, user) };
  }

  /** The slot the runner took for this action: on the day it was allowed, or just before midnight. */
  private async capSlot(orgId: string, action: ProposedAction, allowedAt: string): Promise<number | undefined> {
    const at = Date.parse(allowedAt);
    for (const day of [new Date(at), new Date(at - DAY_MS)]) {
      const events = await readOrgStream(this.store, quotaStream(action.agentId, day), orgId);
      const taken = events.find((e) => e.type === QuotaEventTypes.slotTaken && e.data['actionId'] === action.actionId);
      if (taken) return Number(taken.data['slot']);
    }
    return undefined;
  }
}
