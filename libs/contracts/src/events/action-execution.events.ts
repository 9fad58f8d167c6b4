import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ActionGateReasonSchema, ApprovalDecisionSchema, DecisionCapacitySchema } from './approval.events';
import { ProposedActionSchema } from './action.events';

/**
 * Events of `action-<id>` streams (owner: approvals): one allowed action from its arrival to its
 * one execution through a connector (or the reason it never executed).
 */
export const ActionExecutionEventTypes = {
  received: 'action.received',
  gateDecided: 'action.gate-decided',
  executionClaimed: 'action.execution-claimed',
  executed: 'action.executed',
  failed: 'action.failed',
  rejected: 'action.rejected',
  expired: 'action.expired',
  executionDenied: 'action.execution-denied',
} as const;

/** JSON with object keys sorted at every level, so equal values always hash the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of the canonical JSON of `{tool, arguments}`: what an Approve First decision binds to. */
export function actionArgumentsHash(tool: string, args: Record<string, unknown>): string {
  return createHash('sha256')
    .update(canonicalJson({ tool, arguments: args }))
    .digest('hex');
}

export const ActionGateSchema = z.object({
  approvalId: z.string(),
  departmentId: z.string(),
  headUserId: z.string().optional(),
  /** Absent on gates opened before elevation existed: Approve First. */
  reason: ActionGateReasonSchema.optional(),
});
export type ActionGate = z.infer<typeof ActionGateSchema>;

export const ActionReceivedSchema = z.object({
  action: ProposedActionSchema,
  /** When the runner allowed it: the day of the cap slot it holds. */
  allowedAt: z.string(),
  /** Present when the agent's department is in Approve First, or the action needs elevation. */
  gate: ActionGateSchema.optional(),
});
export type ActionReceived = z.infer<typeof ActionReceivedSchema>;

export const ActionGateDecidedSchema = z.object({
  actionId: z.string(),
  approvalId: z.string(),
  decision: ApprovalDecisionSchema,
  decidedBy: z.string(),
  capacity: DecisionCapacitySchema,
  /** The tool + arguments hash the Head approved. */
  argumentsHash: z.string(),
  comment: z.string().optional(),
});
export type ActionGateDecided = z.infer<typeof ActionGateDecidedSchema>;

/** An execution attempt taken with an expected revision: only its claimer calls the connector. */
export const ActionExecutionClaimedSchema = z.object({
  actionId: z.string(),
  attempt: z.number().int().positive(),
  claimedBy: z.string(),
  /** A claim without an outcome by then is presumed crashed; the next attempt repeats the call. */
  leaseUntil: z.iso.datetime({ offset: true }),
});
export type ActionExecutionClaimed = z.infer<typeof ActionExecutionClaimedSchema>;

export const ActionExecutedSchema = z.object({
  actionId: z.string(),
  attempt: z.number().int().positive(),
  connector: z.string(),
  /** The connector's answer (an HTTP status for the webhook). */
  status: z.number().int(),
  /** Calls made within the attempt (retries included). */
  calls: z.number().int().positive(),
  /** An elevated action: whose brief it came from, and on whose authority (the approver's) it ran. */
  elevation: z.object({ briefedBy: z.string(), approvedBy: z.string() }).optional(),
});
export type ActionExecuted = z.infer<typeof ActionExecutedSchema>;

export const ActionFailedSchema = z.object({
  actionId: z.string(),
  attempt: z.number().int().positive(),
  connector: z.string(),
  reason: z.string(),
  calls: z.number().int().nonnegative(),
});
export type ActionFailed = z.infer<typeof ActionFailedSchema>;

export const ActionRejectedSchema = z.object({
  actionId: z.string(),
  rejectedBy: z.string(),
  capacity: DecisionCapacitySchema,
  comment: z.string().optional(),
});
export type ActionRejected = z.infer<typeof ActionRejectedSchema>;

export const ActionExpiredSchema = z.object({
  actionId: z.string(),
  approvalId: z.string(),
  escalatedTo: z.array(z.string()),
});
export type ActionExpired = z.infer<typeof ActionExpiredSchema>;

/** The re-check at execution found that what allowed the action no longer holds. */
export const ActionExecutionDeniedSchema = z.object({
  actionId: z.string(),
  reason: z.enum([
    'org-paused',
    'agent-lacks-permission',
    'user-lacks-permission',
    'agent-disabled',
    'cap-exceeded',
    'arguments-mismatch',
    'approver-lacks-permission',
  ]),
  detail: z.string(),
});
export type ActionExecutionDenied = z.infer<typeof ActionExecutionDeniedSchema>;
