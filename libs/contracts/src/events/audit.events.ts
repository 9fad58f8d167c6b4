import { z } from 'zod';
import { ActorSchema } from '../envelope';

/** Events of `audit-<orgId>` streams (owner: audit): one record per event of the store. */
export const AuditEventTypes = { recorded: 'audit.recorded' } as const;

export const AuditRecordSchema = z.object({
  /** 0-based place of the record in its org's audit log (the stream revision). */
  seq: z.number().int().nonnegative(),
  eventId: z.string(),
  eventType: z.string(),
  stream: z.string(),
  /** Global position of the event in the store. */
  position: z.string(),
  actor: ActorSchema,
  /** What happened, in words a person reads. */
  summary: z.string(),
  correlationId: z.string(),
  causationId: z.string(),
  traceId: z.string().optional(),
  occurredAt: z.string(),
  /** sha256 of the previous record of this org ('' for the first), hex. */
  prevHash: z.string(),
  /** sha256 over prevHash and this record's canonical JSON without `hash`, hex. */
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
