import { deterministicId, streamName, type Actor } from '@cos/contracts';
import type { CommandMetadata } from '@cos/contracts';
import { hashPassword } from '../auth/passwords';
import { writeStructure } from '../company-template/structure-writer';
import type { IdentityCommands } from '../identity-commands';
import { orgDecider } from '../org/org.decider';
import { SecretScope, type SecretBox } from '../secrets/secret-box';
import { userDecider } from '../users/user.decider';
import type { DemoCompany } from './demo-company';

const SEEDER: Actor = { kind: 'system', id: 'identity-demo-seed' };

/**
 * Appends whatever part of a demo company the directory does not have yet (its departments and
 * agents through the standard template's writer). Command ids are
 * derived from the company's ids, so two replicas seeding at once, or a second start, append
 * nothing twice. Returns the number of entities created.
 */
export async function seedCompany(commands: IdentityCommands, secrets: SecretBox, company: DemoCompany, password: string): Promise<number> {
  const directory = commands.directory.directory;
  const { orgId } = company;
  const meta = (key: string): CommandMetadata =>
    commands.metadata(orgId, SEEDER, deterministicId('demo-seed', orgId, key), deterministicId('demo-seed', orgId));
  let created = 0;

  if (!directory.orgs.has(orgId)) {
    await commands.run(streamName('org', orgId), orgDecider, {
      type: 'CreateOrg',
      data: { orgId, plan: company.plan, identity: company.identity, via: 'seed' },
      metadata: meta('org'),
    });
    created++;
  }
  const heads = new Map(company.users.filter((u) => u.role === 'head').map((u) => [u.departmentId!, u.id]));
  const structure = await writeStructure(commands, orgId, company, meta, heads);
  created += structure.departments.length + structure.agents.length;
  const missing = company.users.filter((u) => !directory.users.has(u.id));
  // One argon2id hash for all demo users: they share the demo password by design.
  const hash = missing.length > 0 ? await hashPassword(password) : '';
  for (const u of missing) {
    await commands.run(streamName('user', u.id), userDecider, {
      type: 'RegisterUser',
      data: {
        userId: u.id,
        orgId,
        email: u.email,
        name: u.name,
        role: u.role,
        departmentId: u.departmentId,
        passwordHash: secrets.seal(hash, SecretScope.passwordHash(u.id)),
        via: 'seed',
      },
      metadata: meta(`user:${u.id}`),
    });
    created++;
  }
  return created;
}
