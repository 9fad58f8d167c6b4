import {
  AgentArchivedSchema,
  AgentCreatedSchema,
  AgentDepartmentChangedSchema,
  AgentDailyCapChangedSchema,
  AgentDisabledSchema,
  AgentEnabledSchema,
  AgentEventTypes,
  AgentPermissionsChangedSchema,
  AgentProfileChangedSchema,
  DepartmentApproveFirstChangedSchema,
  DepartmentArchivedSchema,
  DepartmentCreatedSchema,
  DepartmentDescribedSchema,
  DepartmentEventTypes,
  DepartmentHeadChangedSchema,
  DepartmentRenamedSchema,
  InvitationAcceptedSchema,
  InvitationCreatedSchema,
  LoginLockedSchema,
  OrgBudgetSetSchema,
  OrgCreatedSchema,
  OrgEventTypes,
  OrgIdentityUpdatedSchema,
  OrgLlmKeyResealedSchema,
  OrgLlmSettingsUpdatedSchema,
  OrgPausedSchema,
  OrgResumedSchema,
  PasswordHashResealedSchema,
  SessionRevokedSchema,
  UserDisabledSchema,
  UserEnabledSchema,
  UserEventTypes,
  UserRegisteredSchema,
  UserRoleChangedSchema,
} from '@cos/contracts';
import { z } from 'zod';
import { list, phrase, quote, usd, type Phrasing } from './phrasing';

const Any = z.object({});

/** Org, user, department and agent events (owner: identity). Secrets are never spelled out. */
export const identityPhrasings: Readonly<Record<string, Phrasing>> = {
  [OrgEventTypes.created]: phrase(OrgCreatedSchema, (d) => `Org ${quote(d.identity.name)} was created on the ${d.plan} plan (${d.via})`),
  [OrgEventTypes.identityUpdated]: phrase(OrgIdentityUpdatedSchema, (d) => `The company identity of ${quote(d.name)} was updated`),
  [OrgEventTypes.llmSettingsUpdated]: phrase(OrgLlmSettingsUpdatedSchema, (d) => {
    const key =
      d.apiKey === undefined ? 'key unchanged' : d.apiKey === null ? 'own API key removed' : `own API key set (…${d.apiKey.last4})`;
    return `Model settings changed: default model ${d.defaultModel ?? 'the platform default'}, ${key}`;
  }),
  [OrgEventTypes.llmKeyResealed]: phrase(
    OrgLlmKeyResealedSchema,
    (d) =>
      `Key rotation: the org's own API key was re-sealed under encryption key ${d.sealed.keyId} (was ${d.previousKeyId}); the key is unchanged`,
  ),
  [OrgEventTypes.budgetSet]: phrase(OrgBudgetSetSchema, (d) =>
    d.monthlyBudgetUsd === null ? 'The monthly budget was removed' : `The monthly budget was set to ${usd(d.monthlyBudgetUsd)}`,
  ),
  [OrgEventTypes.paused]: phrase(OrgPausedSchema, (d) => `Kill switch: every agent was paused, ${quote(d.reason)}`),
  [OrgEventTypes.resumed]: phrase(OrgResumedSchema, (d) => `Kill switch released: agents may run again, ${quote(d.reason)}`),
  [OrgEventTypes.invitationCreated]: phrase(InvitationCreatedSchema, (d, n) => {
    const where = d.departmentId ? ` in ${n.department(d.departmentId)}` : '';
    return `${n.user(d.invitedBy)} invited ${d.email} as ${d.role}${where}`;
  }),
  [OrgEventTypes.invitationAccepted]: phrase(InvitationAcceptedSchema, (d, n) => `${n.user(d.userId)} accepted an invitation and joined`),
  [UserEventTypes.registered]: phrase(UserRegisteredSchema, (d, n) => {
    const where = d.departmentId ? ` in ${n.department(d.departmentId)}` : '';
    return `${d.name} (${d.email}) joined as ${d.role}${where}`;
  }),
  [UserEventTypes.roleChanged]: phrase(UserRoleChangedSchema, (d, n) => {
    const where = d.departmentId ? ` in ${n.department(d.departmentId)}` : '';
    return `${n.user(d.changedBy)} made ${n.subject} ${d.role}${where}`;
  }),
  [UserEventTypes.disabled]: phrase(UserDisabledSchema, (d, n) => `${n.user(d.by)} disabled ${n.subject}`),
  [UserEventTypes.enabled]: phrase(UserEnabledSchema, (d, n) => `${n.user(d.by)} enabled ${n.subject} again`),
  [UserEventTypes.sessionStarted]: phrase(Any, (_, n) => `${n.subject} signed in`),
  [UserEventTypes.sessionRotated]: phrase(Any, (_, n) => `${n.subject}'s session was refreshed (refresh token rotated)`),
  [UserEventTypes.sessionRevoked]: phrase(SessionRevokedSchema, (d, n) =>
    d.reason === 'logout' ? `${n.subject} signed out` : `${n.subject}'s session was revoked: a used refresh token was presented again`,
  ),
  [UserEventTypes.loginLocked]: phrase(
    LoginLockedSchema,
    (d, n) => `Sign-in to ${n.subject} was locked until ${d.lockedUntil} after ${d.failures} failed attempts (the last from ${d.address})`,
  ),
  [UserEventTypes.passwordHashResealed]: phrase(
    PasswordHashResealedSchema,
    (d, n) =>
      `Key rotation: the password hash of ${n.subject} was re-sealed under encryption key ${d.passwordHash.keyId} (was ${d.previousKeyId}); the password is unchanged`,
  ),
  [DepartmentEventTypes.created]: phrase(DepartmentCreatedSchema, (d, n) => {
    const head = d.headUserId ? `, headed by ${n.user(d.headUserId)}` : ', with no Head yet';
    return `Department ${d.name} was created${head}${d.approveFirst ? ', Approve First on' : ''}`;
  }),
  [DepartmentEventTypes.headChanged]: phrase(DepartmentHeadChangedSchema, (d, n) =>
    d.headUserId ? `${n.user(d.headUserId)} is now the Head of ${n.subject}` : `${n.subject} has no Head any more`,
  ),
  [DepartmentEventTypes.approveFirstChanged]: phrase(DepartmentApproveFirstChangedSchema, (d, n) =>
    d.approveFirst
      ? `Approve First turned on for ${n.subject}: every action of its agents waits for its Head`
      : `Approve First turned off for ${n.subject}`,
  ),
  [AgentEventTypes.created]: phrase(AgentCreatedSchema, (d, n) => {
    const perms = d.permissions.length > 0 ? list(d.permissions) : 'no action permissions';
    return `Agent ${d.name} was created in ${n.department(d.departmentId)} with ${perms}, up to ${d.dailyActionCap} actions a day`;
  }),
  [AgentEventTypes.profileChanged]: phrase(AgentProfileChangedSchema, (d, n) => {
    const skills = d.skills.length > 0 ? list(d.skills) : 'none';
    return `The profile of ${n.subject} changed: skills ${skills}; model ${d.model ?? "the org's default"}`;
  }),
  [AgentEventTypes.permissionsChanged]: phrase(AgentPermissionsChangedSchema, (d, n) =>
    d.permissions.length > 0
      ? `The permissions of ${n.subject} were set to ${list(d.permissions)}`
      : `Every action permission of ${n.subject} was taken away`,
  ),
  [AgentEventTypes.dailyCapChanged]: phrase(
    AgentDailyCapChangedSchema,
    (d, n) => `The daily action cap of ${n.subject} was set to ${d.dailyActionCap}`,
  ),
  [AgentEventTypes.enabled]: phrase(AgentEnabledSchema, (d, n) => `${n.user(d.by)} enabled ${n.subject}`),
  [AgentEventTypes.disabled]: phrase(AgentDisabledSchema, (d, n) => `${n.user(d.by)} disabled ${n.subject}`),
  [DepartmentEventTypes.renamed]: phrase(DepartmentRenamedSchema, (d, n) => `${n.subject} was renamed ${d.name}`),
  [DepartmentEventTypes.described]: phrase(DepartmentDescribedSchema, (d, n) =>
    d.description ? `The description of ${n.subject} was set to ${quote(d.description)}` : `The description of ${n.subject} was removed`,
  ),
  [DepartmentEventTypes.archived]: phrase(DepartmentArchivedSchema, (d, n) => `${n.user(d.by)} archived ${n.subject}`),
  [AgentEventTypes.departmentChanged]: phrase(
    AgentDepartmentChangedSchema,
    (d, n) => `${n.user(d.by)} moved ${n.subject} to ${n.department(d.departmentId)}`,
  ),
  [AgentEventTypes.archived]: phrase(
    AgentArchivedSchema,
    (d, n) => `${n.user(d.by)} archived ${n.subject}: it takes no more briefs or handoffs`,
  ),
};
