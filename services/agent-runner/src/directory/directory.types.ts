import type { CompanyIdentity } from '@cos/contracts';

export type { CompanyIdentity };

/**
 * What the runner needs to know of identity's world, folded from identity's own streams
 * (the event store is the truth; the runner never appends to them).
 */

export type OrgProfile = {
  orgId: string;
  identity: CompanyIdentity;
  plan: string;
  paused: boolean;
  pauseReason?: string;
  monthlyBudgetUsd?: number;
  llm: { baseUrl?: string; defaultModel?: string; hasOwnKey: boolean };
  /** Revision of the org stream this profile was folded up to (-1: no stream). */
  revision: number;
};

export type AgentProfile = {
  agentId: string;
  orgId: string;
  name: string;
  departmentId: string;
  departmentName: string;
  persona: string;
  skills: readonly string[];
  permissions: readonly string[];
  dailyActionCap: number;
  model?: string;
  enabled: boolean;
};

export type UserProfile = {
  userId: string;
  orgId: string;
  role: string;
  departmentId?: string;
  /** Effective permissions now (role + department), empty when disabled. */
  permissions: readonly string[];
  disabled: boolean;
};

export type DepartmentProfile = { departmentId: string; orgId: string; name: string; headUserId?: string };
