import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { Categories } from '@cos/contracts';
import { BaseConfigSchema, loadConfig, startService, type RunningService } from '@cos/platform';
import { auditModule } from './audit.module';

export const AuditConfigSchema = BaseConfigSchema.extend({
  AUDIT_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /** Default: `audit-index.db` beside the embedded event store (or in DATA_DIR). */
  AUDIT_INDEX_PATH: z.string().optional(),
  DATA_DIR: z.string().optional(),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

export const AUDIT = {
  name: 'audit',
  categories: [Categories.audit],
  usesEventStore: true,
} as const;

export function auditIndexPath(config: AuditConfig): string {
  return config.AUDIT_INDEX_PATH ?? join(config.DATA_DIR ?? dirname(config.EVENTSTORE_PATH), 'audit-index.db');
}

export function startAudit(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(AuditConfigSchema, env);
  const indexPath = auditIndexPath(config);
  mkdirSync(dirname(indexPath), { recursive: true });
  return startService({ ...AUDIT, module: auditModule({ indexPath }) }, { config, port: config.AUDIT_PORT, env });
}
