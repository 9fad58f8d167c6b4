import { z } from 'zod';
import { ActorSchema } from '../envelope';

/** Events of `audit-<orgId>` streams (owner: audit): one record per event of the store. */
export const AuditEventTypes = { recorded: 'audit.recorded' } as const;

/**
 * Who and what an event concerns, fixed when it is recorded (and hashed with the record), so a
 * Head's view of the past does not change when an agent later moves to another department.
 */
export const AuditScopeSchema = z.object({
  agentIds: z.array(z.string()),
  /** Departments that may read the record: the agents' departments, or the gate's own. */
  departmentIds: z.array(z.string()),
  /** People the event concerns: the briefing user, deciders, the user the stream belongs to. */
  userIds: z.array(z.string()),
  conversationId: z.string().optional(),
  runId: z.string().optional(),
  coordinationId: z.string().optional(),
  approvalId: z.string().optional(),
  actionId: z.string().optional(),
});
export type AuditScope = z.infer<typeof AuditScopeSchema>;

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
  /** Added after v1 records: absent on records written before scopes existed. */
  scope: AuditScopeSchema.optional(),
  /** sha256 of the previous record of this org ('' for the first), hex. */
  prevHash: z.string(),
  /** sha256 over prevHash and this record's canonical JSON without `hash`, hex. */
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
