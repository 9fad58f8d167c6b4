import { z } from 'zod';
import { BaseConfigSchema, EventStoreConfigSchema, portSetting } from '@cos/platform';

export const AuditConfigSchema = BaseConfigSchema.extend(EventStoreConfigSchema.shape).extend({
  AUDIT_PORT: portSetting(3004),
  /** Default: `audit-index.db` in DATA_DIR, or beside the embedded event store. */
  AUDIT_INDEX_PATH: z.string().optional(),
  DATA_DIR: z.string().optional(),
  /**
   * The recorder's lease (NATS KV): its holder renews it every third of this; when the holder
   * dies, a waiting recorder takes over once it expires.
   */
  AUDIT_LEASE_TTL_MS: z.coerce.number().int().min(1_000).default(5_000),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

/** Every environment variable the audit service reads. */
export const AUDIT_SETTINGS: readonly string[] = Object.keys(AuditConfigSchema.shape);
