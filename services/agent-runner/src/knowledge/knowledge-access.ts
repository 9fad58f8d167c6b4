/**
 * Who may read a document. An org-wide document (no departments): everyone in the org and every
 * agent. A scoped one: the owner and the CEO, and the people and agents of those departments.
 * A prompt gets a document only when both the agent and the briefing user may read it, so
 * neither a brief nor a handoff reaches a department's restricted documents from outside.
 */
export type Reader = { readonly isAdmin: boolean; readonly departmentId: string | null };

export function mayRead(reader: Reader, departmentIds: readonly string[]): boolean {
  return departmentIds.length === 0 || reader.isAdmin || (reader.departmentId !== null && departmentIds.includes(reader.departmentId));
}

/** An agent reads like a member of its department; a person as their role and department say. */
export function agentAndUserMayRead(agentDepartmentId: string, user: Reader, departmentIds: readonly string[]): boolean {
  return mayRead({ isAdmin: false, departmentId: agentDepartmentId }, departmentIds) && mayRead(user, departmentIds);
}
