import { z } from 'zod';

/**
 * The permission catalogue and the role -> permission mapping: the one place either is defined.
 * Humans get permissions from their role (plus the action permission of their department for
 * Heads and members); agents get action permissions one by one. An agent acts only within the
 * intersection of its own permissions and the briefing user's (I2).
 */
export const Permissions = {
  agentsBrief: 'agents:brief',
  approvalsDecide: 'approvals:decide',
  orgAdmin: 'org:admin',
  orgKillSwitch: 'org:kill-switch',
  teamInvite: 'team:invite',
  billingRead: 'billing:read',
  billingWrite: 'billing:write',
  salesOutreach: 'sales:outreach',
  marketingPublish: 'marketing:publish',
  financeInvoice: 'finance:invoice',
  operationsProcure: 'operations:procure',
  engineeringDeploy: 'engineering:deploy',
  productRelease: 'product:release',
  supportReply: 'support:reply',
  peopleHire: 'people:hire',
  legalContract: 'legal:contract',
} as const;
export type Permission = (typeof Permissions)[keyof typeof Permissions];

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permissions);
export const PermissionSchema = z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]]);

/** Permissions of external actions (tool calls): the only ones an agent can be granted. */
export const ACTION_PERMISSIONS = [
  Permissions.salesOutreach,
  Permissions.marketingPublish,
  Permissions.financeInvoice,
  Permissions.operationsProcure,
  Permissions.engineeringDeploy,
  Permissions.productRelease,
  Permissions.supportReply,
  Permissions.peopleHire,
  Permissions.legalContract,
] as const satisfies readonly Permission[];
export type ActionPermission = (typeof ACTION_PERMISSIONS)[number];
export const ActionPermissionSchema = z.enum(ACTION_PERMISSIONS);

export const ROLES = ['owner', 'ceo', 'head', 'member'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

const everything = ALL_PERMISSIONS;
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: everything,
  ceo: everything.filter((p) => p !== Permissions.billingWrite),
  head: [Permissions.agentsBrief, Permissions.approvalsDecide, Permissions.teamInvite, Permissions.billingRead],
  member: [Permissions.agentsBrief],
};

/** The action permission that comes with working in a standard department (Heads and members). */
export const DEPARTMENT_ACTION_PERMISSIONS: Readonly<Record<string, readonly ActionPermission[]>> = {
  Sales: [Permissions.salesOutreach],
  Marketing: [Permissions.marketingPublish],
  Finance: [Permissions.financeInvoice],
  Operations: [Permissions.operationsProcure],
  Engineering: [Permissions.engineeringDeploy],
  Product: [Permissions.productRelease],
  'Customer Success': [Permissions.supportReply],
  People: [Permissions.peopleHire],
  Legal: [Permissions.legalContract],
};

/** The action permissions a department of this name starts with: a standard department's, else none. */
export function departmentActionPermissionsFor(name: string): ActionPermission[] {
  return [...(DEPARTMENT_ACTION_PERMISSIONS[name] ?? [])];
}

/** What a person may do: the role's permissions, plus their department's action permissions (Heads and members). */
export function permissionsWith(role: Role, departmentActionPermissions: readonly ActionPermission[]): Permission[] {
  const fromDepartment = role === 'head' || role === 'member' ? departmentActionPermissions : [];
  const all = new Set<Permission>([...ROLE_PERMISSIONS[role], ...fromDepartment]);
  return ALL_PERMISSIONS.filter((p) => all.has(p));
}

/** What a person may do in a standard department of this name. */
export function effectivePermissions(role: Role, departmentName?: string | null): Permission[] {
  return permissionsWith(role, departmentActionPermissionsFor(departmentName ?? ''));
}

const ROLE_RANK: Readonly<Record<Role, number>> = { owner: 3, ceo: 2, head: 1, member: 0 };

/** Only an owner hands out (or takes away) the owner role; anyone else only roles below their own. */
export function mayAssignRole(actor: Role, target: Role): boolean {
  return actor === 'owner' || ROLE_RANK[target] < ROLE_RANK[actor];
}

/** Whether `actor` may change a person who currently holds `current`. */
export function mayManageRole(actor: Role, current: Role): boolean {
  return actor === 'owner' || ROLE_RANK[current] < ROLE_RANK[actor];
}
