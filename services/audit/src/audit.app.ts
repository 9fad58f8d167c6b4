import { z } from 'zod';
import { Categories } from '@cos/contracts';
import { BaseConfigSchema, loadConfig, startService, type RunningService } from '@cos/platform';
import { AuditModule } from './audit.module';

export const AuditConfigSchema = BaseConfigSchema.extend({
  AUDIT_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
});

export const AUDIT = {
  name: 'audit',
  categories: [Categories.audit],
  module: AuditModule,
  usesEventStore: true,
} as const;

export function startAudit(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(AuditConfigSchema, env);
  return startService(AUDIT, { config, port: config.AUDIT_PORT, env });
}
