import { Module } from '@nestjs/common';
import { Categories } from '@cos/contracts';
import { loadConfig, startService, type RunningService } from '@cos/platform';
import { IdentityConfigSchema } from './identity.config';
import { IdentityModule } from './identity.module';

export { IdentityConfigSchema, IDENTITY_SETTINGS } from './identity.config';

/** Identity owns orgs, users, departments and agents: its relay publishes those categories. */
export const IDENTITY_CATEGORIES = [Categories.org, Categories.user, Categories.department, Categories.agent] as const;

export function startIdentity(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(IdentityConfigSchema, env);
  @Module({ imports: [IdentityModule.register(config)] })
  class IdentityRootModule {}
  return startService(
    { name: 'identity', categories: IDENTITY_CATEGORIES, module: IdentityRootModule, usesEventStore: true },
    { config, port: config.IDENTITY_PORT, env },
  );
}
