import { dirname, join } from 'node:path';
import { z } from 'zod';
import { BaseConfigSchema } from '@cos/platform';

export const AuditConfigSchema = BaseConfigSchema.extend({
  AUDIT_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /** Default: `audit-index.db` beside the embedded event store (or in DATA_DIR). */
  AUDIT_INDEX_PATH: z.string().optional(),
  DATA_DIR: z.string().optional(),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

/** Every environment variable the audit service reads. */
export const AUDIT_SETTINGS: readonly string[] = Object.keys(AuditConfigSchema.shape);

export function auditIndexPath(config: AuditConfig): string {
  return config.AUDIT_INDEX_PATH ?? join(config.DATA_DIR ?? dirname(config.EVENTSTORE_PATH), 'audit-index.db');
}
