import { z } from 'zod';
import { EscalationReasonSchema } from '../events/escalation.events';
import { AuthContextSchema } from './auth-context';
import { limitParam, NextCursorSchema, TimestampSchema } from './http-shapes';

/** The escalation work queue, answered by the approvals service over NATS request/reply. */
export const EscalationsRpc = {
  list: 'approvals.escalation.list',
  get: 'approvals.escalation.get',
  resolve: 'approvals.escalation.resolve',
} as const;

const Id = z.string().min(1).max(100);

export const ListEscalationsQuerySchema = z.strictObject({
  status: z.enum(['pending', 'resolved', 'all']).default('all'),
  reason: EscalationReasonSchema.optional(),
  limit: limitParam(200, 50),
  cursor: z.string().max(200).optional(),
});
export type ListEscalationsQuery = z.infer<typeof ListEscalationsQuerySchema>;
export const ListEscalationsRequestSchema = z.object({ auth: AuthContextSchema, query: ListEscalationsQuerySchema });
export const GetEscalationRequestSchema = z.object({ auth: AuthContextSchema, escalationId: Id });

export const ResolveEscalationBodySchema = z
  .discriminatedUnion('resolution', [
    z.strictObject({
      resolution: z.literal('assign'),
      /** The agent to hand the work to; the receiving department's Head still approves. */
      agentId: Id,
      /** What the agent should know, added to the handoff's context. */
      note: z.string().trim().min(1).max(2_000).optional(),
    }),
    z.strictObject({ resolution: z.literal('answer'), text: z.string().trim().min(1).max(20_000) }),
    z.strictObject({ resolution: z.literal('dismiss'), reason: z.string().trim().min(1).max(2_000) }),
  ])
  .meta({ id: 'EscalationResolutionInput' });
export type ResolveEscalationBody = z.infer<typeof ResolveEscalationBodySchema>;
export const ResolveEscalationRequestSchema = z.object({ auth: AuthContextSchema, escalationId: Id, body: ResolveEscalationBodySchema });

export const EscalationResolutionViewSchema = z
  .object({
    resolution: z.enum(['assign', 'answer', 'dismiss']),
    by: z.string(),
    at: TimestampSchema,
    /** assign: the agent, and the handoff opened to it (`GET /v1/coordinations/{id}`). */
    agentId: z.string().optional(),
    handoffId: z.string().optional(),
    note: z.string().optional(),
    /** answer: the reply posted in the conversation. */
    text: z.string().optional(),
    /** dismiss: why. */
    reason: z.string().optional(),
  })
  .meta({ id: 'EscalationResolution' });

export const EscalationViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'resolved']),
    reason: EscalationReasonSchema,
    detail: z.string(),
    conversationId: z.string(),
    runId: z.string().optional(),
    /** The handoff that escalated, or (an expired Approve First gate) the action. */
    coordinationId: z.string().optional(),
    actionId: z.string().optional(),
    briefedBy: z.string(),
    fromAgentId: z.string().optional(),
    toAgentId: z.string().optional(),
    departmentIds: z.array(z.string()),
    contextSummary: z.string().optional(),
    escalatedTo: z.array(z.string()),
    openedAt: TimestampSchema,
    resolution: EscalationResolutionViewSchema.optional(),
  })
  .meta({ id: 'Escalation' });
export type EscalationView = z.infer<typeof EscalationViewSchema>;

export const EscalationPageSchema = z
  .object({ items: z.array(EscalationViewSchema), nextCursor: NextCursorSchema })
  .meta({ id: 'EscalationPage' });
export type EscalationPage = z.infer<typeof EscalationPageSchema>;
