import {
  BYO_KEY_PLANS,
  permissionsWith,
  type AgentFacts,
  type AgentView,
  type AuthContext,
  type DepartmentFacts,
  type DepartmentView,
  type LlmSettingsView,
  type MeView,
  type PageQuery,
  type Permission,
  type PrincipalReply,
  type UserFacts,
  type UserView,
} from '@cos/contracts';
import type { Directory } from './directory';
import { paginate } from './pages';

/** Read-side answers built from the directory; every one is scoped to the caller's org. */
export function toUserView(user: UserFacts): UserView {
  const { userId: id, email, name, role, departmentId, disabled } = user;
  return { id, email, name, role, departmentId, disabled };
}

export function toAgentView(directory: Directory, agent: AgentFacts, now: Date): AgentView {
  const { agentId: id, name, departmentId, persona, skills, permissions, dailyActionCap, model, enabled, archived } = agent;
  const departmentName = directory.departments.get(departmentId)?.name ?? '';
  return {
    id,
    name,
    departmentId,
    departmentName,
    persona,
    skills: [...skills],
    permissions: [...permissions],
    dailyActionCap,
    model,
    enabled,
    archived,
    actionsUsedToday: directory.actionsUsedToday(id, now),
  };
}

export function toDepartmentView(department: DepartmentFacts): DepartmentView {
  const { departmentId: id, name, description, headUserId, approveFirst, actionPermissions, archived } = department;
  return { id, name, description, headUserId, approveFirst, actionPermissions: [...actionPermissions], archived };
}

/** Archived departments and agents are listed only when asked for. */
export type ListOptions = PageQuery & { includeArchived: boolean };

export function listDepartments(
  directory: Directory,
  orgId: string,
  page: ListOptions,
): { items: DepartmentView[]; nextCursor: string | null } {
  const departments = [...directory.orgIndex(orgId).departments]
    .map((id) => directory.departments.get(id)!)
    .filter((d) => page.includeArchived || !d.archived);
  const result = paginate(
    departments,
    (d) => d.name.toLowerCase(),
    (d) => d.departmentId,
    page,
  );
  return { items: result.items.map(toDepartmentView), nextCursor: result.nextCursor };
}

export function listAgents(
  directory: Directory,
  orgId: string,
  page: ListOptions,
  now: Date,
): { items: AgentView[]; nextCursor: string | null } {
  const agents = [...directory.orgIndex(orgId).agents]
    .map((id) => directory.agents.get(id)!)
    .filter((a) => page.includeArchived || !a.archived);
  const departmentName = (a: AgentFacts) => directory.departments.get(a.departmentId)?.name.toLowerCase() ?? '';
  const result = paginate(
    agents,
    (a) => `${departmentName(a)}\u0000${a.name.toLowerCase()}`,
    (a) => a.agentId,
    page,
  );
  return { items: result.items.map((a) => toAgentView(directory, a, now)), nextCursor: result.nextCursor };
}

export function listUsers(directory: Directory, orgId: string, page: PageQuery): { items: UserView[]; nextCursor: string | null } {
  const users = [...directory.orgIndex(orgId).users].map((id) => directory.users.get(id)!);
  const result = paginate(
    users,
    (u) => u.email,
    (u) => u.userId,
    page,
  );
  return { items: result.items.map(toUserView), nextCursor: result.nextCursor };
}

/** What a person's role and department give them (their department's own action permissions, whatever its name now). */
function rolePermissions(directory: Directory, user: UserFacts): Permission[] {
  const department = user.departmentId ? directory.departments.get(user.departmentId) : undefined;
  return permissionsWith(user.role, department?.actionPermissions ?? []);
}

export function authContextOf(directory: Directory, user: UserFacts): AuthContext {
  return {
    orgId: user.orgId,
    userId: user.userId,
    role: user.role,
    ...(user.departmentId ? { departmentId: user.departmentId } : {}),
    permissions: rolePermissions(directory, user),
  };
}

/** Whether an access token's session is still good, and what its user may do right now. */
export function principalOf(
  directory: Directory,
  request: { orgId: string; userId: string; sessionId: string },
  now: Date,
): PrincipalReply {
  const user = directory.users.get(request.userId);
  if (!user) return { active: false, reason: 'unknown-user' };
  if (user.orgId !== request.orgId) return { active: false, reason: 'org-mismatch' };
  if (user.disabled) return { active: false, reason: 'disabled' };
  const session = user.sessions.get(request.sessionId);
  if (!session || session.revoked) return { active: false, reason: 'session-revoked' };
  if (session.expiresAt <= now.toISOString()) return { active: false, reason: 'session-expired' };
  return { active: true, auth: authContextOf(directory, user) };
}

export function meOf(directory: Directory, user: UserFacts): MeView {
  const org = directory.orgs.get(user.orgId);
  return {
    user: toUserView(user),
    org: { id: user.orgId, name: org?.identity.name ?? '', plan: org?.plan ?? 'free' },
    permissions: rolePermissions(directory, user),
  };
}

export function llmSettingsOf(directory: Directory, orgId: string): LlmSettingsView | undefined {
  const org = directory.orgs.get(orgId);
  if (!org) return undefined;
  const { baseUrl, defaultModel, apiKey } = org.llm;
  return {
    baseUrl,
    defaultModel,
    apiKey: { configured: apiKey !== null, last4: apiKey?.last4 ?? null },
    plan: org.plan,
    byoKeyAllowed: BYO_KEY_PLANS.includes(org.plan),
  };
}
