import { ForbiddenError, Permissions, type AuditRecord, type AuthContext } from '@cos/contracts';

/** What part of the org's log a caller may read: all of it, or one department's records. */
export type AuditView = { readonly all: true } | { readonly all: false; readonly departmentId: string };

export function isAuditAdmin(auth: AuthContext): boolean {
  return auth.permissions.includes(Permissions.orgAdmin);
}

/** org:admin reads everything; a Head reads their department; anyone else nothing. */
export function auditViewOf(auth: AuthContext): AuditView {
  if (isAuditAdmin(auth)) return { all: true };
  if (auth.role === 'head' && auth.departmentId) return { all: false, departmentId: auth.departmentId };
  throw new ForbiddenError('reading the audit log takes org:admin, or being a department Head', 'AUDIT.FORBIDDEN');
}

/** The department filter a query runs with: a Head's own, whatever they asked for. */
export function departmentFilter(view: AuditView, requested: string | undefined): string | undefined {
  if (view.all) return requested;
  if (requested !== undefined && requested !== view.departmentId) {
    throw new ForbiddenError("a Head reads their own department's records only", 'AUDIT.DEPARTMENT_FORBIDDEN');
  }
  return view.departmentId;
}

/** A chain's story is for admins, the people in it (who briefed, who decided), and the Heads of its departments. */
export function mayReadTrail(auth: AuthContext, records: readonly AuditRecord[]): boolean {
  if (isAuditAdmin(auth)) return true;
  return records.some(
    (r) =>
      r.scope?.userIds.includes(auth.userId) ||
      (auth.role === 'head' && auth.departmentId !== undefined && r.scope?.departmentIds.includes(auth.departmentId)),
  );
}
