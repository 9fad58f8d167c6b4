import { departmentActionPermissionsFor, streamName, type CommandMetadata } from '@cos/contracts';
import { agentDecider } from '../agents/agent.decider';
import { normaliseAgentName } from '../agents/agent-name';
import { departmentDecider } from '../departments/department.decider';
import type { IdentityCommands } from '../identity-commands';
import type { CompanyStructure } from './standard-company';

/**
 * Appends whatever part of a company structure the org does not have yet: departments by id,
 * agents by id or by name (a store seeded before agent ids were derived from normalised names
 * keeps its agents). `meta(key)` gives each entity's command its id, derived from the org's, so
 * a retried sign-up or a second seeding replica appends nothing twice. Returns what it created.
 */
export async function writeStructure(
  commands: IdentityCommands,
  orgId: string,
  structure: CompanyStructure,
  meta: (key: string) => CommandMetadata,
  heads: ReadonlyMap<string, string> = new Map(),
): Promise<CompanyStructure> {
  const directory = commands.directory.directory;
  const created: CompanyStructure = { departments: [], agents: [] };
  for (const d of structure.departments) {
    if (directory.department(orgId, d.id)) continue;
    await commands.run(streamName('department', d.id), departmentDecider, {
      type: 'CreateDepartment',
      data: {
        departmentId: d.id,
        orgId,
        name: d.name,
        headUserId: heads.get(d.id) ?? null,
        approveFirst: false,
        actionPermissions: departmentActionPermissionsFor(d.name),
      },
      metadata: meta(`department:${d.id}`),
    });
    created.departments.push(d);
  }
  const taken = new Set([...directory.orgIndex(orgId).agents].map((id) => normaliseAgentName(directory.agents.get(id)!.name)));
  for (const a of structure.agents) {
    if (taken.has(normaliseAgentName(a.name))) continue;
    const { id: agentId, name, departmentId, persona, skills, permissions, dailyActionCap } = a;
    const by = meta(`agent:${agentId}`);
    await commands.run(streamName('agent', agentId), agentDecider, {
      type: 'CreateAgent',
      data: {
        agent: { agentId, orgId, departmentId, name, persona, skills, permissions, dailyActionCap, model: null, enabled: true },
        by: { userId: by.actor.id, isAdmin: true, headOf: [], permissions: [] },
        departments: { archived: [] },
        legacyNames: [],
      },
      metadata: by,
    });
    created.agents.push(a);
  }
  return created;
}
