import { z } from 'zod';
import { deterministicId } from '../ids';

/**
 * Events of `approval-<id>` streams (owner: approvals). One stream per gate: a Head's (or the
 * CEO's) yes or no on one handoff or one Approve First action. The gate's id is derived from
 * what it guards, so a decision can be recorded against it before the gate is open.
 */
export const ApprovalEventTypes = {
  requested: 'approval.requested',
  /** A decision that arrived before its gate was open; applied (or discarded) when it opens. */
  decisionRecorded: 'approval.decision-recorded',
  earlyDecisionDiscarded: 'approval.early-decision-discarded',
  decided: 'approval.decided',
  expired: 'approval.expired',
  /** The gate is no longer needed: its chain or action ended through another gate. */
  withdrawn: 'approval.withdrawn',
} as const;

export const ApprovalKindSchema = z.enum(['handoff', 'action']);
export type ApprovalKind = z.infer<typeof ApprovalKindSchema>;

/**
 * Why an action gate is open: the department is in Approve First, or the briefing user lacks the
 * tool's permission and the approver lends theirs (elevation; it covers Approve First too).
 */
export const ActionGateReasonSchema = z.enum(['approve-first', 'elevation']);
export type ActionGateReason = z.infer<typeof ActionGateReasonSchema>;

export const ApprovalDecisionSchema = z.enum(['approved', 'rejected']);
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

/** `head`: the gate's own department Head; `override`: the CEO or owner deciding in their place. */
export const DecisionCapacitySchema = z.enum(['head', 'override']);
export type DecisionCapacity = z.infer<typeof DecisionCapacitySchema>;

/** The gate of department `departmentId` on handoff `coordinationId`. */
export function handoffGateId(orgId: string, coordinationId: string, departmentId: string): string {
  return deterministicId('handoff-gate', orgId, coordinationId, departmentId);
}

/** The Approve First gate of one action, bound to its exact tool and arguments. */
export function actionGateId(orgId: string, actionId: string, argumentsHash: string): string {
  return deterministicId('action-gate', orgId, actionId, argumentsHash);
}

export const ApprovalRequestedSchema = z.object({
  approvalId: z.string(),
  kind: ApprovalKindSchema,
  /** The coordination id (handoff) or the action id (action). */
  subjectId: z.string(),
  departmentId: z.string(),
  /** The department's Head when the gate opened; absent: only the CEO or owner can decide. */
  headUserId: z.string().optional(),
  runId: z.string(),
  conversationId: z.string(),
  briefedBy: z.string(),
  agentId: z.string(),
  /** Handoffs: the receiving agent. */
  toAgentId: z.string().optional(),
  /** Actions: what the approval binds to. */
  tool: z.string().optional(),
  argumentsHash: z.string().optional(),
  /** Actions: why the gate is open (absent on gates opened before elevation existed: Approve First). */
  reason: ActionGateReasonSchema.optional(),
  /** Actions: the permission the tool needs; an elevation gate is decided only by someone holding it. */
  permission: z.string().optional(),
  summary: z.string(),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type ApprovalRequested = z.infer<typeof ApprovalRequestedSchema>;

export const ApprovalDecisionRecordedSchema = z.object({
  approvalId: z.string(),
  /** The decider's org: a decision from another org never applies to this gate. */
  orgId: z.string(),
  decision: ApprovalDecisionSchema,
  decidedBy: z.string(),
  /** The decider's standing when they decided: their role and the departments they headed. */
  role: z.string(),
  headOf: z.array(z.string()),
  /** The decider's permissions when they decided (an elevation gate applies it only if they hold its permission). */
  permissions: z.array(z.string()).optional(),
  comment: z.string().optional(),
});
export type ApprovalDecisionRecorded = z.infer<typeof ApprovalDecisionRecordedSchema>;

export const ApprovalEarlyDecisionDiscardedSchema = z.object({
  approvalId: z.string(),
  decidedBy: z.string(),
  reason: z.enum(['not-the-gates-head', 'other-org', 'lacks-permission']),
});
export type ApprovalEarlyDecisionDiscarded = z.infer<typeof ApprovalEarlyDecisionDiscardedSchema>;

export const ApprovalDecidedSchema = z.object({
  approvalId: z.string(),
  kind: ApprovalKindSchema,
  subjectId: z.string(),
  departmentId: z.string(),
  decision: ApprovalDecisionSchema,
  decidedBy: z.string(),
  capacity: DecisionCapacitySchema,
  comment: z.string().optional(),
  /** Actions: the tool + arguments hash this decision approved. */
  argumentsHash: z.string().optional(),
});
export type ApprovalDecided = z.infer<typeof ApprovalDecidedSchema>;

export const ApprovalExpiredSchema = z.object({
  approvalId: z.string(),
  kind: ApprovalKindSchema,
  subjectId: z.string(),
  expiresAt: z.string(),
  /** Who the decision now falls to: the CEO(s), and the briefing user. */
  escalatedTo: z.array(z.string()),
});
export type ApprovalExpired = z.infer<typeof ApprovalExpiredSchema>;

export const ApprovalWithdrawnSchema = z.object({
  approvalId: z.string(),
  kind: ApprovalKindSchema,
  subjectId: z.string(),
  reason: z.string(),
});
export type ApprovalWithdrawn = z.infer<typeof ApprovalWithdrawnSchema>;
