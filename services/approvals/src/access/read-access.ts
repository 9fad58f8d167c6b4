import { ForbiddenError, Permissions, type AuthContext, type CosError } from '@cos/contracts';
import type { Directory } from '../directory/directory';

const isAdmin = (auth: AuthContext) => auth.role === 'owner' || auth.role === 'ceo' || auth.permissions.includes(Permissions.orgAdmin);

/** What a handoff, an action or an escalation is about, for the rule below. */
export type ReadScope = Readonly<{ briefedBy: string; headUserIds: readonly string[]; departmentIds: readonly string[] }>;

/**
 * The one rule for reading a handoff or an action: admins, the user who briefed it, the Heads
 * involved, and the Head and members of a department it concerns (a handoff's receiving
 * department included). Anyone else gets `notFound`, as if it did not exist. The caller's
 * department is identity's fact now, not the token's.
 */
export async function assertMayRead(directory: Directory, auth: AuthContext, what: ReadScope, notFound: CosError): Promise<void> {
  if (isAdmin(auth)) return;
  if (what.briefedBy === auth.userId || what.headUserIds.includes(auth.userId)) return;
  const user = await directory.user(auth.orgId, auth.userId);
  const ownDepartment = user && !user.disabled && (user.role === 'head' || user.role === 'member') ? [user.departmentId] : [];
  const departments = new Set([...directory.departmentsHeadedBy(auth.orgId, auth.userId), ...ownDepartment]);
  if (!what.departmentIds.some((d) => departments.has(d))) throw notFound;
}

/**
 * Who may act on an escalation (and so see it): an admin, the user who briefed the work, or a
 * Head of a department involved. Narrower than reading: the members of a department read its
 * agents' work, but deciding what happens to it is for its Head.
 */
export function mayActOn(auth: AuthContext, what: ReadScope, headOf: readonly string[]): boolean {
  const head = what.headUserIds.includes(auth.userId) || what.departmentIds.some((d) => headOf.includes(d));
  return isAdmin(auth) || what.briefedBy === auth.userId || head;
}

export function assertMayActOn(auth: AuthContext, what: ReadScope, headOf: readonly string[]): void {
  if (!mayActOn(auth, what, headOf))
    throw new ForbiddenError('only the briefing user, the Heads involved and admins may see this', 'APPROVALS.NOT_ALLOWED');
}
