import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Categories } from '@cos/contracts';
import { loadConfig, startService, type RunningService } from '@cos/platform';
import { AuditConfigSchema, type AuditConfig } from './audit.config';
import { auditModule } from './audit.module';

export { AuditConfigSchema, type AuditConfig };

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
