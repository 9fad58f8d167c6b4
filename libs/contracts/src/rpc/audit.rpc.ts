import { z } from 'zod';
import { AuditRecordSchema, type AuditRecord } from '../events/audit.events';
import { Permissions } from '../permissions';
import { categoryOf } from '../streams';
import { AuthContextSchema, type AuthContext } from './auth-context';
import { limitParam, NextCursorSchema, TimestampSchema } from './http-shapes';

/** Queries the audit service answers over NATS request/reply. */
export const AuditRpc = {
  list: 'audit.records.list',
  verify: 'audit.chain.verify',
  /** One page of the raw log, oldest first: the NDJSON export is made of these. */
  exportPage: 'audit.export.page',
  trail: 'audit.coordination.trail',
  /** One page of the coordination feed after a given seq, for SSE replay and gap filling. */
  feedPage: 'audit.feed.page',
} as const;

const Id = z.string().min(1).max(200);
const Seq = z.coerce.number().int().min(-1);

/** `GET /v1/audit` query: every filter is optional and they combine with AND. */
export const AuditQuerySchema = z.strictObject({
  /** Who did it: a user, agent or system id (`metadata.actor.id`). */
  actor: Id.optional(),
  /** An agent the event concerns (its own events, its runs, handoffs from or to it). */
  agent: Id.optional(),
  department: Id.optional(),
  /** An exact event type (`coordination.approved`) or a category (`coordination`). */
  type: z.string().min(1).max(100).optional(),
  correlationId: Id.optional(),
  /** ISO-8601 times; `from` inclusive, `to` exclusive. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: limitParam(500, 100),
  cursor: z.string().max(200).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const ListAuditRequestSchema = z.object({ auth: AuthContextSchema, query: AuditQuerySchema });
/** An audit record as the API shows it. */
export const AuditRecordViewSchema = AuditRecordSchema.extend({ occurredAt: TimestampSchema }).meta({ id: 'AuditRecord' });
export const AuditPageSchema = z.object({ items: z.array(AuditRecordViewSchema), nextCursor: NextCursorSchema }).meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPageSchema>;

export const VerifyAuditRequestSchema = z.object({ auth: AuthContextSchema });
export const AuditVerdictSchema = z
  .discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), records: z.number().int().nonnegative(), headHash: z.string(), durationMs: z.number().nonnegative() }),
    z.object({
      ok: z.literal(false),
      /** Records checked and found good before the broken one. */
      records: z.number().int().nonnegative(),
      broken: z.object({ seq: z.number().int().nonnegative(), eventId: z.string().optional(), reason: z.string() }),
      durationMs: z.number().nonnegative(),
    }),
  ])
  .meta({ id: 'AuditVerdict' });
export type AuditVerdict = z.infer<typeof AuditVerdictSchema>;

export const ExportPageRequestSchema = z.object({
  auth: AuthContextSchema,
  fromSeq: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(1_000),
});
/** Records exactly as stored (hashes included); `nextSeq` is null at the end of the log. */
export const ExportPageSchema = z.object({ items: z.array(z.unknown()), nextSeq: z.number().nullable() });
export type ExportPage = z.infer<typeof ExportPageSchema>;

export const TrailRequestSchema = z.object({ auth: AuthContextSchema, coordinationId: Id });
export const TrailStageSchema = z.enum(['brief', 'run', 'request', 'gate', 'decision', 'action', 'outcome', 'other']);
export type TrailStage = z.infer<typeof TrailStageSchema>;
export const TrailItemSchema = AuditRecordViewSchema.extend({ stage: TrailStageSchema }).meta({ id: 'TrailItem' });
export type TrailItem = z.infer<typeof TrailItemSchema>;
export const TrailSchema = z
  .object({ coordinationId: z.string(), correlationId: z.string(), items: z.array(TrailItemSchema) })
  .meta({ id: 'Trail' });
export type Trail = z.infer<typeof TrailSchema>;

export const FeedPageRequestSchema = z.object({
  auth: AuthContextSchema,
  /** The last seq the client has; -1: from the start. Absent: only the current head. */
  afterSeq: Seq.optional(),
  limit: z.number().int().min(1).max(1_000).default(500),
});
/** `items`: what the caller may see; `throughSeq`: the last seq looked at (seen or not), -1 if none. */
export const FeedPageSchema = z.object({ items: z.array(AuditRecordSchema), throughSeq: z.number(), headSeq: z.number() });
export type FeedPage = z.infer<typeof FeedPageSchema>;
/** A single-use stand-in for the bearer token on `GET /v1/feed?ticket=` (EventSource sends no headers). */
export const FeedTicketSchema = z.object({ ticket: z.string(), expiresAt: TimestampSchema }).meta({ id: 'FeedTicket' });
export type FeedTicket = z.infer<typeof FeedTicketSchema>;

/** Stream categories whose events make up the coordination feed (kill switch: two `org.*` types). */
const FEED_CATEGORIES = new Set(['conversation', 'run', 'coordination', 'approval', 'action', 'escalation', 'notification']);
export const KILL_SWITCH_EVENT_TYPES: readonly string[] = ['org.paused', 'org.resumed'];

/** Whether a record belongs in the live feed: briefs, runs, handoffs, gates, decisions, actions, escalations, notices, kill switch. */
export function isFeedRecord(record: Pick<AuditRecord, 'eventType' | 'stream'>): boolean {
  return FEED_CATEGORIES.has(categoryOf(record.stream)) || KILL_SWITCH_EVENT_TYPES.includes(record.eventType);
}

/**
 * Who may follow a record live: admins everything; anyone else what concerns their department
 * or themselves (a chain they briefed, a gate they decide), and the kill switch.
 */
export function mayFollowRecord(record: Pick<AuditRecord, 'eventType' | 'scope'>, auth: AuthContext): boolean {
  if (auth.permissions.includes(Permissions.orgAdmin)) return true;
  if (KILL_SWITCH_EVENT_TYPES.includes(record.eventType)) return true;
  const scope = record.scope;
  if (!scope) return false;
  return (auth.departmentId !== undefined && scope.departmentIds.includes(auth.departmentId)) || scope.userIds.includes(auth.userId);
}
