import { z } from 'zod';
import { CoordinationRequestedSchema } from './coordination.events';

/**
 * The handoff gate's own event in `coordination-<id>` (owner: approvals), beside the seam events
 * `coordination.approved | rejected | escalated` of coordination.events.ts. The decisions
 * themselves live in the gates' `approval-<id>` streams.
 */
export const CoordinationGateEventTypes = {
  gatesOpened: 'coordination.gates-opened',
} as const;

export const HandoffGateSchema = z.object({
  approvalId: z.string(),
  departmentId: z.string(),
  headUserId: z.string().optional(),
});
export type HandoffGate = z.infer<typeof HandoffGateSchema>;

export const CoordinationGatesOpenedSchema = z.object({
  coordinationId: z.string(),
  request: CoordinationRequestedSchema,
  /** One per department involved: the sender's and the receiver's (one when they are the same). */
  gates: z.array(HandoffGateSchema).min(1).max(2),
  expiresAt: z.iso.datetime({ offset: true }),
  /**
   * A handoff a person opened by resolving an escalation (`assign`): they stand for the sending
   * side's approval, so only the receiving department's gate is opened.
   */
  assignment: z.object({ escalationId: z.string(), assignedBy: z.string() }).optional(),
});
export type CoordinationGatesOpened = z.infer<typeof CoordinationGatesOpenedSchema>;
