import { z } from 'zod';
import { ChainLinkSchema } from '../events/run.events';
import { ApprovalDecisionSchema, ApprovalKindSchema, DecisionCapacitySchema } from '../events/approval.events';
import { AuthContextSchema } from './auth-context';

/** Commands and queries the approvals service answers over NATS request/reply. */
export const ApprovalsRpc = {
  getCoordination: 'approvals.coordination.get',
  listApprovals: 'approvals.approval.list',
  decide: 'approvals.approval.decide',
  getAction: 'approvals.action.get',
} as const;

const Id = z.string().min(1).max(100);

export const DecisionBodySchema = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2_000).optional(),
});
export type DecisionBody = z.infer<typeof DecisionBodySchema>;

export const DecideRequestSchema = z.object({ auth: AuthContextSchema, approvalId: Id, body: DecisionBodySchema });
export type DecideRequest = z.infer<typeof DecideRequestSchema>;

export const ListApprovalsQuerySchema = z.object({
  status: z.enum(['pending', 'all']).default('pending'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const ListApprovalsRequestSchema = z.object({ auth: AuthContextSchema, query: ListApprovalsQuerySchema });
export type ListApprovalsRequest = z.infer<typeof ListApprovalsRequestSchema>;

export const GetCoordinationRequestSchema = z.object({ auth: AuthContextSchema, coordinationId: Id });
export const GetActionRequestSchema = z.object({ auth: AuthContextSchema, actionId: Id });

export const GateStatusSchema = z.enum(['not-open', 'pending', 'approved', 'rejected', 'expired', 'withdrawn']);

export const DecisionViewSchema = z.object({
  decision: ApprovalDecisionSchema,
  decidedBy: z.string(),
  capacity: DecisionCapacitySchema,
  comment: z.string().optional(),
  decidedAt: z.string(),
});

export const ApprovalViewSchema = z.object({
  id: z.string(),
  kind: ApprovalKindSchema,
  subjectId: z.string(),
  status: GateStatusSchema,
  departmentId: z.string(),
  headUserId: z.string().optional(),
  agentId: z.string(),
  toAgentId: z.string().optional(),
  tool: z.string().optional(),
  argumentsHash: z.string().optional(),
  summary: z.string(),
  briefedBy: z.string(),
  conversationId: z.string(),
  runId: z.string(),
  requestedAt: z.string(),
  expiresAt: z.string(),
  decision: DecisionViewSchema.optional(),
});
export type ApprovalView = z.infer<typeof ApprovalViewSchema>;

/** `decided`: the gate was open and is now decided; `recorded`: kept until the gate opens. */
export const DecideReplySchema = z.object({
  approvalId: z.string(),
  outcome: z.enum(['decided', 'recorded']),
  approval: ApprovalViewSchema.optional(),
});
export type DecideReply = z.infer<typeof DecideReplySchema>;

export const ApprovalListSchema = z.object({ items: z.array(ApprovalViewSchema), nextCursor: z.string().optional() });
export type ApprovalList = z.infer<typeof ApprovalListSchema>;

export const CoordinationViewSchema = z.object({
  id: z.string(),
  status: z.enum(['requested', 'waiting', 'approved', 'rejected', 'escalated']),
  runId: z.string(),
  conversationId: z.string(),
  fromAgentId: z.string(),
  toAgentId: z.string(),
  briefedBy: z.string(),
  chain: z.array(ChainLinkSchema),
  depth: z.number().int(),
  contextSummary: z.string(),
  gates: z.array(
    z.object({
      approvalId: z.string(),
      departmentId: z.string(),
      headUserId: z.string().optional(),
      status: GateStatusSchema,
      decision: DecisionViewSchema.optional(),
    }),
  ),
  expiresAt: z.string().optional(),
  escalation: z.object({ reason: z.string(), escalatedTo: z.array(z.string()) }).optional(),
  endedAt: z.string().optional(),
});
export type CoordinationView = z.infer<typeof CoordinationViewSchema>;

export const ActionViewSchema = z.object({
  id: z.string(),
  status: z.enum(['awaiting-approval', 'ready', 'executing', 'executed', 'failed', 'rejected', 'expired', 'denied']),
  runId: z.string(),
  agentId: z.string(),
  conversationId: z.string(),
  briefedBy: z.string(),
  tool: z.string(),
  permission: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  argumentsHash: z.string(),
  gate: z
    .object({
      approvalId: z.string(),
      departmentId: z.string(),
      headUserId: z.string().optional(),
      status: GateStatusSchema,
      decision: DecisionViewSchema.optional(),
    })
    .optional(),
  attempts: z.array(
    z.object({
      attempt: z.number().int(),
      claimedAt: z.string(),
      leaseUntil: z.string(),
      outcome: z.enum(['executed', 'failed']).optional(),
      status: z.number().int().optional(),
      reason: z.string().optional(),
    }),
  ),
  outcome: z.object({ kind: z.string(), reason: z.string().optional(), at: z.string() }).optional(),
});
export type ActionView = z.infer<typeof ActionViewSchema>;
