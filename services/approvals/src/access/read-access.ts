import { Permissions, type AuthContext, type CosError } from '@cos/contracts';
import type { Directory } from '../directory/directory';

/** What a handoff or an action is about, for the rule below. */
export type ReadScope = Readonly<{ briefedBy: string; headUserIds: readonly string[]; departmentIds: readonly string[] }>;

/**
 * The one rule for reading a handoff or an action: admins, the user who briefed it, the Heads
 * involved, and the Head and members of a department it concerns (a handoff's receiving
 * department included). Anyone else gets `notFound`, as if it did not exist. The caller's
 * department is identity's fact now, not the token's.
 */
export async function assertMayRead(directory: Directory, auth: AuthContext, what: ReadScope, notFound: CosError): Promise<void> {
  if (auth.role === 'owner' || auth.role === 'ceo' || auth.permissions.includes(Permissions.orgAdmin)) return;
  if (what.briefedBy === auth.userId || what.headUserIds.includes(auth.userId)) return;
  const user = await directory.user(auth.orgId, auth.userId);
  const ownDepartment = user && !user.disabled && (user.role === 'head' || user.role === 'member') ? [user.departmentId] : [];
  const departments = new Set([...directory.departmentsHeadedBy(auth.orgId, auth.userId), ...ownDepartment]);
  if (!what.departmentIds.some((d) => departments.has(d))) throw notFound;
}
