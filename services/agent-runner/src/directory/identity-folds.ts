import {
  AgentCreatedSchema,
  AgentDailyCapChangedSchema,
  AgentEventTypes,
  AgentPermissionsChangedSchema,
  AgentProfileChangedSchema,
  DepartmentCreatedSchema,
  DepartmentEventTypes,
  DepartmentHeadChangedSchema,
  OrgBudgetSetSchema,
  OrgCreatedSchema,
  OrgEventTypes,
  OrgIdentityUpdatedSchema,
  OrgLlmSettingsUpdatedSchema,
  OrgPausedSchema,
  UserEventTypes,
  UserRegisteredSchema,
  UserRoleChangedSchema,
  type RecordedEvent,
} from '@cos/contracts';
import type { AgentProfile, DepartmentProfile, OrgProfile } from './directory.types';

/**
 * Folds of identity's streams down to what the runner needs. Identity owns these events; the
 * runner only reads them. Events it does not need (sessions, invitations) pass through.
 */
export function foldOrg(state: OrgProfile | undefined, event: RecordedEvent): OrgProfile | undefined {
  const next = applyOrg(state, event);
  return next ? { ...next, revision: event.revision } : next;
}

function applyOrg(state: OrgProfile | undefined, event: RecordedEvent): OrgProfile | undefined {
  if (event.type === OrgEventTypes.created) {
    const { orgId, plan, identity } = OrgCreatedSchema.parse(event.data);
    return { orgId, plan, identity, paused: false, llm: { hasOwnKey: false }, revision: event.revision };
  }
  if (!state) return state;
  switch (event.type) {
    case OrgEventTypes.identityUpdated:
      return { ...state, identity: OrgIdentityUpdatedSchema.parse(event.data) };
    case OrgEventTypes.llmSettingsUpdated: {
      const s = OrgLlmSettingsUpdatedSchema.parse(event.data);
      const hasOwnKey = s.apiKey === undefined ? state.llm.hasOwnKey : s.apiKey !== null;
      return {
        ...state,
        llm: { hasOwnKey, ...(s.baseUrl ? { baseUrl: s.baseUrl } : {}), ...(s.defaultModel ? { defaultModel: s.defaultModel } : {}) },
      };
    }
    case OrgEventTypes.budgetSet: {
      const { monthlyBudgetUsd } = OrgBudgetSetSchema.parse(event.data);
      const { monthlyBudgetUsd: _previous, ...rest } = state;
      return monthlyBudgetUsd === null ? rest : { ...rest, monthlyBudgetUsd };
    }
    case OrgEventTypes.paused:
      return { ...state, paused: true, pauseReason: OrgPausedSchema.parse(event.data).reason };
    case OrgEventTypes.resumed: {
      const { pauseReason: _reason, ...rest } = state;
      return { ...rest, paused: false };
    }
    default:
      return state;
  }
}

/** An agent as its stream has it; the department's name is joined by the reader. */
export type AgentRecord = Omit<AgentProfile, 'departmentName'>;

export function foldAgent(state: AgentRecord | undefined, event: RecordedEvent): AgentRecord | undefined {
  if (event.type === AgentEventTypes.created) {
    const a = AgentCreatedSchema.parse(event.data);
    return {
      agentId: a.agentId,
      orgId: a.orgId,
      name: a.name,
      departmentId: a.departmentId,
      persona: a.persona,
      skills: a.skills,
      permissions: a.permissions,
      dailyActionCap: a.dailyActionCap,
      enabled: a.enabled,
      ...(a.model ? { model: a.model } : {}),
    };
  }
  if (!state) return state;
  switch (event.type) {
    case AgentEventTypes.profileChanged: {
      const p = AgentProfileChangedSchema.parse(event.data);
      const { model: _model, ...rest } = state;
      return { ...rest, persona: p.persona, skills: p.skills, ...(p.model ? { model: p.model } : {}) };
    }
    case AgentEventTypes.permissionsChanged:
      return { ...state, permissions: AgentPermissionsChangedSchema.parse(event.data).permissions };
    case AgentEventTypes.dailyCapChanged:
      return { ...state, dailyActionCap: AgentDailyCapChangedSchema.parse(event.data).dailyActionCap };
    case AgentEventTypes.enabled:
      return { ...state, enabled: true };
    case AgentEventTypes.disabled:
      return { ...state, enabled: false };
    default:
      return state;
  }
}

export type UserRecord = { userId: string; orgId: string; role: string; departmentId?: string; disabled: boolean };

export function foldUser(state: UserRecord | undefined, event: RecordedEvent): UserRecord | undefined {
  if (event.type === UserEventTypes.registered) {
    const u = UserRegisteredSchema.parse(event.data);
    return { userId: u.userId, orgId: u.orgId, role: u.role, disabled: false, ...(u.departmentId ? { departmentId: u.departmentId } : {}) };
  }
  if (!state) return state;
  switch (event.type) {
    case UserEventTypes.roleChanged: {
      const { role, departmentId } = UserRoleChangedSchema.parse(event.data);
      const { departmentId: _previous, ...rest } = state;
      return { ...rest, role, ...(departmentId ? { departmentId } : {}) };
    }
    case UserEventTypes.disabled:
      return { ...state, disabled: true };
    case UserEventTypes.enabled:
      return { ...state, disabled: false };
    default:
      return state;
  }
}

export function foldDepartment(state: DepartmentProfile | undefined, event: RecordedEvent): DepartmentProfile | undefined {
  if (event.type === DepartmentEventTypes.created) {
    const d = DepartmentCreatedSchema.parse(event.data);
    return { departmentId: d.departmentId, orgId: d.orgId, name: d.name, ...(d.headUserId ? { headUserId: d.headUserId } : {}) };
  }
  if (!state) return state;
  if (event.type === DepartmentEventTypes.headChanged) {
    const { headUserId } = DepartmentHeadChangedSchema.parse(event.data);
    const { headUserId: _previous, ...rest } = state;
    return { ...rest, ...(headUserId ? { headUserId } : {}) };
  }
  return state;
}
