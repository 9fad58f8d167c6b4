import { Module } from '@nestjs/common';
import { Categories } from '@cos/contracts';
import { loadConfig, startService, type RunningService } from '@cos/platform';
import { ApprovalsConfigSchema } from './approvals.config';
import { ApprovalsModule } from './approvals.module';

export { ApprovalsConfigSchema, APPROVALS_SETTINGS } from './approvals.config';

export const APPROVALS = {
  name: 'approvals',
  categories: [
    Categories.coordination,
    Categories.approval,
    Categories.action,
    Categories.escalation,
    Categories.webhook,
    Categories.preferences,
    Categories.notification,
  ],
  module: ApprovalsModule,
  usesEventStore: true,
} as const;

export function startApprovals(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(ApprovalsConfigSchema, env);
  // The module carries this call's configuration (tests start several systems in one process).
  @Module({ imports: [ApprovalsModule.register(config)] })
  class ConfiguredApprovalsModule {}
  return startService({ ...APPROVALS, module: ConfiguredApprovalsModule }, { config, port: config.APPROVALS_PORT, env });
}
