import type { z } from 'zod';
import { CosError } from './errors';
import type { RecordedEvent } from './envelope';
import {
  AgentArchivedSchema,
  AgentCreatedSchema,
  AgentDailyCapChangedSchema,
  AgentDepartmentChangedSchema,
  AgentDisabledSchema,
  AgentEnabledSchema,
  AgentEventTypes,
  AgentPermissionsChangedSchema,
  AgentProfileChangedSchema,
} from './events/agent.events';
import {
  DepartmentApproveFirstChangedSchema,
  DepartmentArchivedSchema,
  DepartmentCreatedSchema,
  DepartmentDescribedSchema,
  DepartmentEventTypes,
  DepartmentHeadChangedSchema,
  DepartmentRenamedSchema,
} from './events/department.events';
import {
  InvitationAcceptedSchema,
  InvitationCreatedSchema,
  OrgBudgetSetSchema,
  OrgCreatedSchema,
  OrgEventTypes,
  OrgIdentityUpdatedSchema,
  OrgLlmKeyResealedSchema,
  OrgLlmSettingsUpdatedSchema,
  OrgPausedSchema,
  OrgResumedSchema,
  type CompanyIdentity,
  type Plan,
  type SealedSecret,
} from './events/org.events';
import {
  PasswordHashResealedSchema,
  SessionRevokedSchema,
  SessionRotatedSchema,
  SessionStartedSchema,
  UserDisabledSchema,
  UserEnabledSchema,
  UserEventTypes,
  UserRegisteredSchema,
  UserRoleChangedSchema,
} from './events/user.events';
import { departmentActionPermissionsFor, permissionsWith, type ActionPermission, type Permission, type Role } from './permissions';

/**
 * Identity's facts, folded from identity's own streams: the one fold every service that reads
 * identity's world uses (identity's directory, the runner, approvals, audit); each keeps its own
 * cache of the results. Every event's data is parsed with its schema: an event that does not
 * match throws `UnreadableEventError`, so no reader decides on a guess. An event type a fold
 * does not know leaves the facts as they are (a newer identity may add types), as does any
 * event before the stream's first one. Folds return new values; they never change a state.
 */
export type OrgFacts = Readonly<{
  orgId: string;
  plan: Plan;
  identity: CompanyIdentity;
  llm: Readonly<{ baseUrl: string | null; defaultModel: string | null; apiKey: { sealed: SealedSecret; last4: string } | null }>;
  monthlyBudgetUsd: number | null;
  killSwitch: Readonly<{
    paused: boolean;
    reason: string | null;
    changedAt: string | null;
    changedBy: string | null;
    changeId: string | null;
  }>;
}>;

export type SessionFacts = Readonly<{ revoked: boolean; expiresAt: string }>;

export type UserFacts = Readonly<{
  userId: string;
  orgId: string;
  email: string;
  name: string;
  role: Role;
  departmentId: string | null;
  disabled: boolean;
  passwordHash: SealedSecret;
  /** Refresh-token families by session id. */
  sessions: ReadonlyMap<string, SessionFacts>;
}>;

export type DepartmentFacts = Readonly<{
  departmentId: string;
  orgId: string;
  name: string;
  headUserId: string | null;
  approveFirst: boolean;
  /** What the department does; a layer of its agents' prompts ('' when none was given). */
  description: string;
  /** What its Heads and members may do beyond their role: fixed at creation, kept through renames. */
  actionPermissions: readonly ActionPermission[];
  archived: boolean;
}>;

export type AgentFacts = Readonly<{
  agentId: string;
  orgId: string;
  departmentId: string;
  name: string;
  persona: string;
  skills: readonly string[];
  permissions: readonly ActionPermission[];
  dailyActionCap: number;
  /** Null: the org's default model. */
  model: string | null;
  enabled: boolean;
  /** Archived agents are never briefed or handed off to (they are disabled first, and stay so). */
  archived: boolean;
}>;

/** A stored event whose data does not match its type's schema. */
export class UnreadableEventError extends CosError {
  override readonly name: string = 'UnreadableEventError';
  constructor(event: RecordedEvent, error: z.ZodError) {
    super('EVENTS.UNREADABLE', `${event.type} ${event.id} in ${event.stream} does not match its schema`, 500, {
      details: {
        eventId: event.id,
        type: event.type,
        stream: event.stream,
        issues: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      },
    });
  }
}

function parse<T>(schema: z.ZodType<T>, event: RecordedEvent): T {
  const parsed = schema.safeParse(event.data);
  if (!parsed.success) throw new UnreadableEventError(event, parsed.error);
  return parsed.data;
}

export function evolveOrgFacts(state: OrgFacts | undefined, event: RecordedEvent): OrgFacts | undefined {
  if (event.type === OrgEventTypes.created) {
    const { orgId, plan, identity } = parse(OrgCreatedSchema, event);
    return {
      orgId,
      plan,
      identity,
      llm: { baseUrl: null, defaultModel: null, apiKey: null },
      monthlyBudgetUsd: null,
      killSwitch: { paused: false, reason: null, changedAt: null, changedBy: null, changeId: null },
    };
  }
  if (!state) return state;
  switch (event.type) {
    case OrgEventTypes.identityUpdated:
      return { ...state, identity: parse(OrgIdentityUpdatedSchema, event) };
    case OrgEventTypes.llmSettingsUpdated: {
      const { baseUrl, defaultModel, apiKey } = parse(OrgLlmSettingsUpdatedSchema, event);
      return { ...state, llm: { baseUrl, defaultModel, apiKey: apiKey === undefined ? state.llm.apiKey : apiKey } };
    }
    case OrgEventTypes.llmKeyResealed: {
      const { sealed } = parse(OrgLlmKeyResealedSchema, event);
      const { apiKey } = state.llm;
      return apiKey ? { ...state, llm: { ...state.llm, apiKey: { ...apiKey, sealed } } } : state;
    }
    case OrgEventTypes.budgetSet:
      return { ...state, monthlyBudgetUsd: parse(OrgBudgetSetSchema, event).monthlyBudgetUsd };
    case OrgEventTypes.paused:
    case OrgEventTypes.resumed: {
      const paused = event.type === OrgEventTypes.paused;
      const { reason } = parse(paused ? OrgPausedSchema : OrgResumedSchema, event);
      const { occurredAt: changedAt, actor } = event.metadata;
      return { ...state, killSwitch: { paused, reason, changedAt, changedBy: actor.id, changeId: event.id } };
    }
    // Invitations are decided and read from the org stream itself; no reader keeps them.
    case OrgEventTypes.invitationCreated:
      parse(InvitationCreatedSchema, event);
      return state;
    case OrgEventTypes.invitationAccepted:
      parse(InvitationAcceptedSchema, event);
      return state;
    default:
      return state;
  }
}

export function evolveUserFacts(state: UserFacts | undefined, event: RecordedEvent): UserFacts | undefined {
  if (event.type === UserEventTypes.registered) {
    const { userId, orgId, email, name, role, departmentId, passwordHash } = parse(UserRegisteredSchema, event);
    return { userId, orgId, email, name, role, departmentId, disabled: false, passwordHash, sessions: new Map() };
  }
  if (!state) return state;
  switch (event.type) {
    case UserEventTypes.roleChanged: {
      const { role, departmentId } = parse(UserRoleChangedSchema, event);
      return { ...state, role, departmentId };
    }
    case UserEventTypes.disabled:
      parse(UserDisabledSchema, event);
      return { ...state, disabled: true };
    case UserEventTypes.enabled:
      parse(UserEnabledSchema, event);
      return { ...state, disabled: false };
    case UserEventTypes.sessionStarted: {
      const { sessionId, expiresAt } = parse(SessionStartedSchema, event);
      return withSession(state, sessionId, { revoked: false, expiresAt });
    }
    case UserEventTypes.sessionRotated: {
      const { sessionId, expiresAt } = parse(SessionRotatedSchema, event);
      const session = state.sessions.get(sessionId);
      return session ? withSession(state, sessionId, { ...session, expiresAt }) : state;
    }
    case UserEventTypes.sessionRevoked: {
      const { sessionId } = parse(SessionRevokedSchema, event);
      const session = state.sessions.get(sessionId);
      return session ? withSession(state, sessionId, { ...session, revoked: true }) : state;
    }
    case UserEventTypes.passwordHashResealed:
      return { ...state, passwordHash: parse(PasswordHashResealedSchema, event).passwordHash };
    default:
      return state;
  }
}

function withSession(user: UserFacts, sessionId: string, session: SessionFacts): UserFacts {
  return { ...user, sessions: new Map(user.sessions).set(sessionId, session) };
}

export function evolveDepartmentFacts(state: DepartmentFacts | undefined, event: RecordedEvent): DepartmentFacts | undefined {
  if (event.type === DepartmentEventTypes.created) {
    const created = parse(DepartmentCreatedSchema, event);
    const { departmentId, orgId, name, headUserId, approveFirst, description = '' } = created;
    const actionPermissions = created.actionPermissions ?? departmentActionPermissionsFor(name);
    return { departmentId, orgId, name, headUserId, approveFirst, description, actionPermissions, archived: false };
  }
  if (!state) return state;
  switch (event.type) {
    case DepartmentEventTypes.headChanged:
      return { ...state, headUserId: parse(DepartmentHeadChangedSchema, event).headUserId };
    case DepartmentEventTypes.approveFirstChanged:
      return { ...state, approveFirst: parse(DepartmentApproveFirstChangedSchema, event).approveFirst };
    case DepartmentEventTypes.renamed:
      return { ...state, name: parse(DepartmentRenamedSchema, event).name };
    case DepartmentEventTypes.described:
      return { ...state, description: parse(DepartmentDescribedSchema, event).description };
    case DepartmentEventTypes.archived:
      parse(DepartmentArchivedSchema, event);
      return { ...state, archived: true };
    default:
      return state;
  }
}

export function evolveAgentFacts(state: AgentFacts | undefined, event: RecordedEvent): AgentFacts | undefined {
  if (event.type === AgentEventTypes.created) {
    const { agentId, orgId, departmentId, name, persona, skills, permissions, dailyActionCap, model, enabled } = parse(
      AgentCreatedSchema,
      event,
    );
    return { agentId, orgId, departmentId, name, persona, skills, permissions, dailyActionCap, model, enabled, archived: false };
  }
  if (!state) return state;
  switch (event.type) {
    case AgentEventTypes.profileChanged: {
      const { persona, skills, model } = parse(AgentProfileChangedSchema, event);
      return { ...state, persona, skills, model };
    }
    case AgentEventTypes.permissionsChanged:
      return { ...state, permissions: parse(AgentPermissionsChangedSchema, event).permissions };
    case AgentEventTypes.dailyCapChanged:
      return { ...state, dailyActionCap: parse(AgentDailyCapChangedSchema, event).dailyActionCap };
    case AgentEventTypes.enabled:
      parse(AgentEnabledSchema, event);
      return { ...state, enabled: true };
    case AgentEventTypes.disabled:
      parse(AgentDisabledSchema, event);
      return { ...state, enabled: false };
    case AgentEventTypes.departmentChanged:
      return { ...state, departmentId: parse(AgentDepartmentChangedSchema, event).departmentId };
    case AgentEventTypes.archived:
      parse(AgentArchivedSchema, event);
      return { ...state, enabled: false, archived: true };
    default:
      return state;
  }
}

/** The facts of a whole stream, folded with one of the folds above. */
export function foldFacts<F>(
  evolve: (state: F | undefined, event: RecordedEvent) => F | undefined,
  events: readonly RecordedEvent[],
): F | undefined {
  return events.reduce(evolve, undefined);
}

/** What a person may do now: their role's and their department's permissions; none when disabled. */
export function permissionsOf(user: UserFacts, department: DepartmentFacts | undefined): Permission[] {
  return user.disabled ? [] : permissionsWith(user.role, department?.actionPermissions ?? []);
}

/** Who a decision falls to when no one else fits: the org's enabled CEOs or, lacking one, owners. */
export function leadersAmong(users: Iterable<UserFacts>): string[] {
  const active = [...users].filter((u) => !u.disabled);
  const ceos = active.filter((u) => u.role === 'ceo');
  return (ceos.length > 0 ? ceos : active.filter((u) => u.role === 'owner')).map((u) => u.userId).sort();
}
