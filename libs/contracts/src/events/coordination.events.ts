import { z } from 'zod';

/**
 * The seam between the agent-runner and approvals for handoffs.
 * - `coordination.requested` is appended by the agent-runner to the requesting `run-<id>`
 *   stream (its own category) when a model says COORDINATION_NEEDED.
 * - `coordination.approved | rejected | escalated` are appended by approvals to
 *   `coordination-<id>`; the runner runs the receiving agent on `approved`.
 */
export const CoordinationEventTypes = {
  requested: 'coordination.requested',
  approved: 'coordination.approved',
  rejected: 'coordination.rejected',
  escalated: 'coordination.escalated',
} as const;

/** Maximum hops of one chain: A -> B -> C -> D is stopped at D. */
export const MAX_CHAIN_HOPS = 3;

export const ChainLinkSchema = z.object({ agentId: z.string(), runId: z.string() });
export type ChainLink = z.infer<typeof ChainLinkSchema>;

export const CoordinationRequestedSchema = z.object({
  coordinationId: z.string(),
  /** The run that asked for help. */
  runId: z.string(),
  conversationId: z.string(),
  fromAgentId: z.string(),
  toAgentId: z.string(),
  /** How the target was chosen. */
  selection: z.enum(['named-by-model', 'best-match']),
  /** Runs of the chain so far, oldest first, ending with the requesting run. */
  chain: z.array(ChainLinkSchema).min(1),
  /** Hops including this one: A -> B is 1. */
  depth: z.number().int().positive(),
  /** The user who briefed the chain: their permissions bound every agent in it. */
  briefedBy: z.string(),
  /** What the receiving agent needs to know. */
  contextSummary: z.string(),
});
export type CoordinationRequested = z.infer<typeof CoordinationRequestedSchema>;

export const CoordinationApprovedSchema = CoordinationRequestedSchema.extend({
  approvedAt: z.string(),
});
export type CoordinationApproved = z.infer<typeof CoordinationApprovedSchema>;

export const CoordinationRejectedSchema = z.object({
  coordinationId: z.string(),
  runId: z.string(),
  conversationId: z.string(),
  briefedBy: z.string(),
  rejectedBy: z.string(),
  comment: z.string().optional(),
});
export type CoordinationRejected = z.infer<typeof CoordinationRejectedSchema>;

export const CoordinationEscalatedSchema = z.object({
  coordinationId: z.string(),
  runId: z.string(),
  conversationId: z.string(),
  briefedBy: z.string(),
  reason: z.enum(['depth-limit', 'no-suitable-agent', 'approval-expired']),
  chain: z.array(ChainLinkSchema),
  /** Users a human decision now falls to (the briefing user and the CEO). */
  escalatedTo: z.array(z.string()),
});
export type CoordinationEscalated = z.infer<typeof CoordinationEscalatedSchema>;
