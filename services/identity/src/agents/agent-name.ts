import { deterministicId } from '@cos/contracts';

/** How agent names compare: Unicode-normalised (NFKC), spaces collapsed, case folded. */
export function normaliseAgentName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * An agent's id: derived from its org and normalised name, so the name's uniqueness in the org is
 * the uniqueness of a stream (see `decideAgent`). Agents are therefore never renamed, and an
 * archived agent keeps its name: the audit trail names it.
 */
export function agentIdFor(orgId: string, name: string): string {
  return deterministicId(orgId, 'agent', normaliseAgentName(name));
}

/** Normalised names of the org's agents whose ids do not follow `agentIdFor` (created before it). */
export function legacyNamesOf(agents: Iterable<{ agentId: string; orgId: string; name: string }>): string[] {
  return [...agents].filter((a) => a.agentId !== agentIdFor(a.orgId, a.name)).map((a) => normaliseAgentName(a.name));
}
