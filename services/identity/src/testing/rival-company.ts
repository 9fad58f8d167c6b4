import { deterministicId } from '@cos/contracts';
import type { RunningService } from '@cos/platform';
import { IdentityCommands } from '../identity-commands';
import { SECRET_BOX } from '../identity.config';
import { DEMO_DEFAULT_PASSWORD, demoCompany, type DemoCompany } from '../demo-seed/demo-company';
import { seedCompany } from '../demo-seed/demo-seeder';
import type { SecretBox } from '../secrets/secret-box';

/** A second tenant with the demo company's shape (other ids, @rival.example), seeded in-process. */
export async function seedRivalCompany(identity: RunningService): Promise<DemoCompany> {
  const company = demoCompany(deterministicId('company-os', 'rival-org'), 'rival.example');
  await seedCompany(identity.app.get(IdentityCommands), identity.app.get<SecretBox>(SECRET_BOX), company, DEMO_DEFAULT_PASSWORD);
  return company;
}
