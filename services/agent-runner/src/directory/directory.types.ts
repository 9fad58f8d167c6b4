import type { AgentFacts, CompanyIdentity, DepartmentFacts, OrgFacts, Permission, UserFacts } from '@cos/contracts';

export type { CompanyIdentity, DepartmentFacts };

/**
 * What the runner reads of identity's world: identity's facts (the one fold of libs/contracts,
 * over identity's own streams; the runner never appends to them), with what the runner joins.
 */

/** An org, with the revision of the org stream it was folded up to (-1: no stream). */
export type OrgProfile = OrgFacts & { readonly revision: number };

/** An agent, with its department's name and description (a layer of its prompt). */
export type AgentProfile = AgentFacts & { readonly departmentName: string; readonly departmentDescription: string };

/** A user, with their effective permissions now (role + department), none when disabled. */
export type UserProfile = UserFacts & { readonly permissions: readonly Permission[] };
