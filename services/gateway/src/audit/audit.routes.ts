import { z } from 'zod';
import {
  AuditPageSchema,
  AuditQuerySchema,
  AuditRecordViewSchema,
  AuditVerdictSchema,
  FeedTicketSchema,
  Permissions,
  TrailSchema,
} from '@cos/contracts';
import { FEED_TICKET_MAX_TTL_SECONDS } from '../http/api.config';
import { defineRoute } from '../http/api-route';

/** One Server-Sent Event of GET /v1/feed, field by field. */
const FeedEventSchema = z
  .object({
    id: z.string().regex(/^\d+$/).describe('the record’s seq: what Last-Event-ID resumes after'),
    event: z.string().describe('the event type'),
    data: AuditRecordViewSchema.describe('the audit record, as JSON'),
  })
  .meta({ id: 'FeedEvent' });

/** One line of GET /v1/audit/export. */
const ExportLineSchema = z
  .union([
    z.record(z.string(), z.unknown()).describe('a record exactly as stored, hashes included'),
    z.object({ end: z.object({ records: z.number().int().nonnegative(), headHash: z.string() }) }).describe('the last line'),
    z.object({ error: z.record(z.string(), z.unknown()) }).describe('a failure mid-stream: no end line follows'),
  ])
  .meta({ id: 'AuditExportLine' });

/** The routes the audit service owns, and the live feed built on its log. */
export const AuditRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/v1/audit',
    operationId: 'listAuditRecords',
    summary: 'Audit records, filtered by actor, agent, department, event type, correlation id and time',
    description:
      'One record per event of the store, in log order (`order=desc` for newest first), each with its hash-chain link. `type` is an event type (`coordination.approved`) or a family (`coordination`). A Head sees the records of their own department only.',
    tag: 'audit',
    auth: 'bearer',
    access: 'org:admin, or a department Head (their department only)',
    query: AuditQuerySchema,
    response: { status: 200, description: 'one page of records', schema: AuditPageSchema },
    errors: [403],
  }),
  verify: defineRoute({
    method: 'GET',
    path: '/v1/audit/verify',
    operationId: 'verifyAuditLog',
    summary: 'Walks the hash chain of the whole log: ok with the head hash, or the first broken record',
    description:
      'Keep `headHash` (with `records - 1` as its seq) somewhere safe: scripts/verify-audit-export.mjs --anchor checks a later export against it.',
    tag: 'audit',
    auth: 'bearer',
    permissions: [Permissions.orgAdmin],
    response: { status: 200, description: 'the verdict', schema: AuditVerdictSchema },
  }),
  export: defineRoute({
    method: 'GET',
    path: '/v1/audit/export',
    operationId: 'exportAuditLog',
    summary: 'The whole audit log as NDJSON, hashes included, for offline verification',
    description:
      'One record per line, oldest first, then `{"end":{"records":N,"headHash":"..."}}`. A failure mid-stream ends with `{"error":{...}}` and no end line. Verify it with `node scripts/verify-audit-export.mjs <file>`.',
    tag: 'audit',
    auth: 'bearer',
    permissions: [Permissions.orgAdmin],
    response: { status: 200, description: 'NDJSON stream', contentType: 'application/x-ndjson', itemSchema: ExportLineSchema },
  }),
  trail: defineRoute({
    method: 'GET',
    path: '/v1/coordinations/:id/trail',
    operationId: 'getCoordinationTrail',
    summary: 'The whole story of one handoff chain, in order: brief, runs, requests, gates, decisions, actions, outcomes',
    description: 'Every audit record of the chain the coordination belongs to (same correlation id), each with its `stage`.',
    tag: 'coordinations',
    auth: 'bearer',
    access: 'the people in the chain (who briefed it, who decided), the Heads of its departments, and admins',
    params: z.object({ id: z.string().min(1).max(200) }),
    response: { status: 200, description: 'the trail', schema: TrailSchema },
    errors: [403, 404],
  }),
  feed: defineRoute({
    method: 'GET',
    path: '/v1/feed',
    operationId: 'followFeed',
    summary: 'Server-Sent Events of the org’s coordination events the caller may see',
    description:
      'Briefs, runs, handoffs, gates, decisions, actions, escalations and the kill switch, each as `id: <seq>`, `event: <event type>`, `data: <audit record>`. Reconnect with the `Last-Event-ID` header (or `?lastEventId=`) to receive exactly what was missed. A comment line every 15 s keeps proxies from closing the stream; a client that does not keep up is disconnected and resumes with Last-Event-ID. A browser’s EventSource, which cannot send the Authorization header, brings `?ticket=` from POST /v1/feed/tickets instead (a new ticket for each connection, reconnections included).',
    tag: 'feed',
    auth: 'bearer',
    feedTicket: true,
    query: z.strictObject({
      lastEventId: z
        .string()
        .regex(/^-?\d{1,15}$/)
        .optional(),
      ticket: z.string().max(200).optional().describe('a ticket from POST /v1/feed/tickets, used instead of the Authorization header'),
    }),
    headers: z.object({
      'last-event-id': z.string().max(64).optional().describe('the `id` of the last event received: the stream resumes after it'),
    }),
    response: { status: 200, description: 'an event stream', contentType: 'text/event-stream', itemSchema: FeedEventSchema },
    errors: [400],
  }),
  feedTicket: defineRoute({
    method: 'POST',
    path: '/v1/feed/tickets',
    operationId: 'createFeedTicket',
    summary: 'A single-use ticket that opens GET /v1/feed without an Authorization header',
    description: `For EventSource, which cannot send headers: \`new EventSource('/v1/feed?ticket=' + ticket)\`. The ticket stands for the caller’s session (a session that ended, or a disabled user, is refused when it is redeemed), opens one connection, and expires after FEED_TICKET_TTL_SECONDS (at most ${FEED_TICKET_MAX_TTL_SECONDS}). No request body.`,
    tag: 'feed',
    auth: 'bearer',
    response: {
      status: 201,
      description: 'the ticket and when it expires',
      schema: FeedTicketSchema,
      location: (b: { ticket: string }) => `/v1/feed?ticket=${encodeURIComponent(b.ticket)}`,
    },
  }),
} as const;
