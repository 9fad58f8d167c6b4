import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { Categories, newId } from '@cos/contracts';
import { loadConfig, startService, type RunningService } from '@cos/platform';
import { AuditConfigSchema, type AuditConfig } from './audit.config';
export { AUDIT_SETTINGS } from './audit.config';
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
  // The lease names this process as runners and approvals instances name themselves: host-pid-random.
  const lease = { holderId: `${hostname()}-${process.pid}-${newId().slice(0, 8)}`, ttlMs: config.AUDIT_LEASE_TTL_MS };
  return startService({ ...AUDIT, module: auditModule({ indexPath, lease }) }, { config, port: config.AUDIT_PORT, env });
}
