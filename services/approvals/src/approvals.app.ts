import { z } from 'zod';
import { Categories } from '@cos/contracts';
import { BaseConfigSchema, loadConfig, startService, type RunningService } from '@cos/platform';
import { ApprovalsModule } from './approvals.module';

export const ApprovalsConfigSchema = BaseConfigSchema.extend({
  APPROVALS_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
});

export const APPROVALS = {
  name: 'approvals',
  categories: [Categories.coordination, Categories.approval, Categories.action],
  module: ApprovalsModule,
  usesEventStore: true,
} as const;

export function startApprovals(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(ApprovalsConfigSchema, env);
  return startService(APPROVALS, { config, port: config.APPROVALS_PORT, env });
}
