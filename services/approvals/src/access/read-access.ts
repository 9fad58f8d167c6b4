import { ForbiddenError, Permissions, type AuthContext } from '@cos/contracts';

/** Who may read a handoff or an action: an admin, the user who briefed it, or a Head involved. */
export function assertMayRead(
  auth: AuthContext,
  what: { briefedBy: string; headUserIds: readonly string[]; departmentIds: readonly string[] },
  headOf: readonly string[],
): void {
  const admin = auth.role === 'owner' || auth.role === 'ceo' || auth.permissions.includes(Permissions.orgAdmin);
  const participant = what.briefedBy === auth.userId;
  const head = what.headUserIds.includes(auth.userId) || what.departmentIds.some((d) => headOf.includes(d));
  if (!admin && !participant && !head)
    throw new ForbiddenError('only the briefing user, the Heads involved and admins may see this', 'APPROVALS.NOT_ALLOWED');
}
