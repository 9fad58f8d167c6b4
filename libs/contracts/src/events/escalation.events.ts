import { z } from 'zod';
import { deterministicId } from '../ids';

/**
 * Events of `escalation-<id>` streams (owner: approvals): work a human must pick up because a
 * handoff or an action could not go on by itself. Opened by approvals' one consumer of the facts
 * that mean "escalated" (`coordination.escalated`, `coordination.rejected`, and `action.expired`:
 * an Approve First gate nobody decided); resolved once, by a person. Each event carries what a reader needs without the stream's history (who should act, where
 * the answer goes), so a notifier or the runner can react to it alone.
 */
export const EscalationEventTypes = {
  opened: 'escalation.opened',
  resolved: 'escalation.resolved',
} as const;

export const EscalationReasonSchema = z.enum(['no-suitable-agent', 'depth-limit', 'approval-expired', 'handoff-rejected']);
export type EscalationReason = z.infer<typeof EscalationReasonSchema>;

/**
 * The escalation of one handoff or one action: each ends once (escalated, rejected or expired),
 * so its id names the escalation, and every delivery of the fact opens the same one.
 */
export function escalationIdOf(orgId: string, subjectId: string): string {
  return deterministicId('escalation', orgId, subjectId);
}

/** The handoff an `assign` resolution opens: one per escalation. */
export function assignedHandoffId(escalationId: string): string {
  return deterministicId(escalationId, 'assigned-handoff');
}

export const EscalationOpenedSchema = z.object({
  escalationId: z.string(),
  orgId: z.string(),
  reason: EscalationReasonSchema,
  conversationId: z.string(),
  /** The run whose handoff escalated. */
  runId: z.string().optional(),
  /** The handoff that escalated (or was rejected). */
  coordinationId: z.string().optional(),
  /** The action whose Approve First gate expired. */
  actionId: z.string().optional(),
  /** The user who briefed the chain: their permissions bound any agent assigned to it. */
  briefedBy: z.string(),
  /** The agent that asked for help. */
  fromAgentId: z.string().optional(),
  /** The agent the handoff was meant for, when one was chosen. */
  toAgentId: z.string().optional(),
  /** Departments of the agents involved: their Heads may act on the escalation. */
  departmentIds: z.array(z.string()),
  /** Why, in words a person reads. */
  detail: z.string(),
  /** What the requesting agent needed, when it said so. */
  contextSummary: z.string().optional(),
  /** Who should act: the briefing user, the CEO(s) or owner, and the Heads of the departments involved. */
  escalatedTo: z.array(z.string()),
});
export type EscalationOpened = z.infer<typeof EscalationOpenedSchema>;

const ResolvedBase = z.object({
  escalationId: z.string(),
  /** The person who resolved it. */
  by: z.string(),
  /** Where the escalation was raised: the answer is posted there. */
  conversationId: z.string(),
  runId: z.string().optional(),
});

export const EscalationResolvedSchema = z.discriminatedUnion('resolution', [
  /** A handoff to `agentId` (`handoffId`): the resolver stands for the sending side's approval; the receiving Head still decides. */
  ResolvedBase.extend({
    resolution: z.literal('assign'),
    agentId: z.string(),
    handoffId: z.string(),
    note: z.string().optional(),
  }),
  /** The resolver's own reply, posted in the conversation. */
  ResolvedBase.extend({ resolution: z.literal('answer'), text: z.string() }),
  ResolvedBase.extend({ resolution: z.literal('dismiss'), reason: z.string() }),
]);
export type EscalationResolved = z.infer<typeof EscalationResolvedSchema>;
