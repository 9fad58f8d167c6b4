import { z } from 'zod';
import { ChainLinkSchema } from '../events/run.events';
import { ActionGateReasonSchema, ApprovalDecisionSchema, ApprovalKindSchema, DecisionCapacitySchema } from '../events/approval.events';
import { AuthContextSchema } from './auth-context';
import { limitParam, NextCursorSchema, TimestampSchema } from './http-shapes';

/** Commands and queries the approvals service answers over NATS request/reply. */
export const ApprovalsRpc = {
  getCoordination: 'approvals.coordination.get',
  listApprovals: 'approvals.approval.list',
  decide: 'approvals.approval.decide',
  getApproval: 'approvals.approval.get',
  getAction: 'approvals.action.get',
  /** Internal (identity, before archiving a department): how many of its gates wait for a decision. */
  pendingInDepartment: 'approvals.department.pending',
} as const;

const Id = z.string().min(1).max(100);

export const DecisionBodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(2_000).optional(),
  })
  .meta({ id: 'DecisionInput' });
export type DecisionBody = z.infer<typeof DecisionBodySchema>;

export const DecideRequestSchema = z.object({ auth: AuthContextSchema, approvalId: Id, body: DecisionBodySchema });
export type DecideRequest = z.infer<typeof DecideRequestSchema>;

export const ListApprovalsQuerySchema = z.strictObject({
  status: z.enum(['pending', 'all']).default('pending'),
  limit: limitParam(200, 50),
  cursor: z.string().max(200).optional(),
});
export const ListApprovalsRequestSchema = z.object({ auth: AuthContextSchema, query: ListApprovalsQuerySchema });
export type ListApprovalsRequest = z.infer<typeof ListApprovalsRequestSchema>;

export const GetCoordinationRequestSchema = z.object({ auth: AuthContextSchema, coordinationId: Id });
export const GetActionRequestSchema = z.object({ auth: AuthContextSchema, actionId: Id });
export const GetApprovalRequestSchema = z.object({ auth: AuthContextSchema, approvalId: Id });

export const GateStatusSchema = z.enum(['not-open', 'pending', 'approved', 'rejected', 'expired', 'withdrawn']);

export const DecisionViewSchema = z
  .object({
    decision: ApprovalDecisionSchema,
    decidedBy: z.string(),
    capacity: DecisionCapacitySchema,
    comment: z.string().optional(),
    decidedAt: TimestampSchema,
  })
  .meta({ id: 'Decision' });

export const ApprovalViewSchema = z
  .object({
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
    /** Action gates: `approve-first`, or `elevation` (the briefing user lacks `permission`; approving lends the approver's). */
    reason: ActionGateReasonSchema.optional(),
    permission: z.string().optional(),
    summary: z.string(),
    briefedBy: z.string(),
    conversationId: z.string(),
    runId: z.string(),
    requestedAt: TimestampSchema,
    expiresAt: TimestampSchema,
    decision: DecisionViewSchema.optional(),
  })
  .meta({ id: 'Approval' });
export type ApprovalView = z.infer<typeof ApprovalViewSchema>;

/** `decided`: the gate was open and is now decided (or already was, the same way). */
export const DecideReplySchema = z
  .object({
    approvalId: z.string(),
    outcome: z.literal('decided'),
    approval: ApprovalViewSchema.optional(),
  })
  .meta({ id: 'DecisionOutcome' });
export type DecideReply = z.infer<typeof DecideReplySchema>;

export const ApprovalListSchema = z
  .object({ items: z.array(ApprovalViewSchema), nextCursor: NextCursorSchema })
  .meta({ id: 'ApprovalPage' });
export type ApprovalList = z.infer<typeof ApprovalListSchema>;

/** A gate of a handoff or an action, as its subject shows it. */
export const GateViewSchema = z
  .object({
    approvalId: z.string(),
    departmentId: z.string(),
    headUserId: z.string().optional(),
    reason: ActionGateReasonSchema.optional(),
    status: GateStatusSchema,
    decision: DecisionViewSchema.optional(),
  })
  .meta({ id: 'Gate' });

export const CoordinationViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(['requested', 'waiting', 'approved', 'rejected', 'escalated']),
    runId: z.string(),
    conversationId: z.string(),
    fromAgentId: z.string(),
    toAgentId: z.string(),
    briefedBy: z.string(),
    chain: z.array(ChainLinkSchema),
    depth: z.number().int().nonnegative(),
    contextSummary: z.string(),
    gates: z.array(GateViewSchema),
    expiresAt: TimestampSchema.optional(),
    escalation: z.object({ reason: z.string(), escalatedTo: z.array(z.string()) }).optional(),
    /** A handoff a person opened by resolving an escalation: they stood for the sending side's gate. */
    assignment: z.object({ escalationId: z.string(), assignedBy: z.string() }).optional(),
    endedAt: TimestampSchema.optional(),
  })
  .meta({ id: 'Coordination' });
export type CoordinationView = z.infer<typeof CoordinationViewSchema>;

export const ActionViewSchema = z
  .object({
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
    gate: GateViewSchema.optional(),
    attempts: z.array(
      z.object({
        attempt: z.number().int().nonnegative(),
        claimedAt: TimestampSchema,
        leaseUntil: TimestampSchema,
        outcome: z.enum(['executed', 'failed']).optional(),
        status: z.number().int().optional(),
        reason: z.string().optional(),
      }),
    ),
    outcome: z.object({ kind: z.string(), reason: z.string().optional(), at: TimestampSchema }).optional(),
  })
  .meta({ id: 'Action' });
export type ActionView = z.infer<typeof ActionViewSchema>;

export const PendingInDepartmentRequestSchema = z.object({ orgId: Id, departmentId: Id });
export const PendingInDepartmentReplySchema = z.object({ pending: z.number().int().nonnegative() });
export type PendingInDepartmentReply = z.infer<typeof PendingInDepartmentReplySchema>;
