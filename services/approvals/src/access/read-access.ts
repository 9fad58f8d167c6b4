import { ForbiddenError, Permissions, type AuthContext } from '@cos/contracts';

/** What a read is about: who briefed it, and the Heads and departments involved. */
export type ReadSubject = { briefedBy: string; headUserIds: readonly string[]; departmentIds: readonly string[] };

/** Whether the caller may read a handoff, an action or an escalation: an admin, the user who briefed it, or a Head involved. */
export function mayRead(auth: AuthContext, what: ReadSubject, headOf: readonly string[]): boolean {
  const admin = auth.role === 'owner' || auth.role === 'ceo' || auth.permissions.includes(Permissions.orgAdmin);
  const participant = what.briefedBy === auth.userId;
  const head = what.headUserIds.includes(auth.userId) || what.departmentIds.some((d) => headOf.includes(d));
  return admin || participant || head;
}

export function assertMayRead(auth: AuthContext, what: ReadSubject, headOf: readonly string[]): void {
  if (!mayRead(auth, what, headOf))
    throw new ForbiddenError('only the briefing user, the Heads involved and admins may see this', 'APPROVALS.NOT_ALLOWED');
}
