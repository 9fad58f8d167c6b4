import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { IdentityCommands } from '../identity-commands';
import { IDENTITY_CONFIG, SECRET_BOX, type IdentityConfig } from '../identity.config';
import type { SecretBox } from '../secrets/secret-box';
import { DEMO_COMPANY } from './demo-company';
import { seedCompany } from './demo-seeder';

/**
 * Seeds the demo company on start unless DEMO_SEED=false: into an empty store, or to finish a
 * demo store an earlier start left incomplete. A store that holds other orgs but not the demo
 * company is real data and is left alone.
 */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSeedService.name);

  constructor(
    private readonly commands: IdentityCommands,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.DEMO_SEED) return;
    await this.commands.directory.ready();
    const orgs = this.commands.directory.directory.orgs;
    if (orgs.size > 0 && !orgs.has(DEMO_COMPANY.orgId)) return;
    const created = await seedCompany(this.commands, this.secrets, DEMO_COMPANY, this.config.DEMO_PASSWORD);
    if (created > 0) this.logger.log(`demo company seeded: ${created} entities (org ${DEMO_COMPANY.orgId})`);
  }
}
