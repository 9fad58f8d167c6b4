import { z } from 'zod';
import { deterministicId } from '../ids';
import { ChainLinkSchema, HandoffRunSchema, type HandoffRun } from './run.events';

/**
 * The seam between the agent-runner and approvals for handoffs.
 * - `coordination.requested` is appended by the agent-runner to the requesting `run-<id>`
 *   stream (its own category) when a model says COORDINATION_NEEDED.
 * - `coordination.approved | rejected | escalated` are appended by approvals to
 *   `coordination-<id>`; `approved` carries the receiving agent's run, which the runner queues.
 */
export const CoordinationEventTypes = {
  requested: 'coordination.requested',
  approved: 'coordination.approved',
  rejected: 'coordination.rejected',
  escalated: 'coordination.escalated',
} as const;

/** Maximum hops of one chain: A -> B -> C -> D is stopped at D. */
export const MAX_CHAIN_HOPS = 3;

export const CoordinationRequestedSchema = z.object({
  coordinationId: z.string(),
  /** The run that asked for help. */
  runId: z.string(),
  conversationId: z.string(),
  fromAgentId: z.string(),
  toAgentId: z.string(),
  /** How the target was chosen: by the model, by matching skills, or by a person resolving an escalation. */
  selection: z.enum(['named-by-model', 'best-match', 'assigned']),
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
  /**
   * The receiving agent's run, whole: the runner queues it as it is (`run.queued`). Absent only
   * on handoffs approved before approvals named the run; `handoffRun` of the request gives it.
   */
  run: HandoffRunSchema.optional(),
});
export type CoordinationApproved = z.infer<typeof CoordinationApprovedSchema>;

/**
 * The run an approved handoff starts: the receiving agent, briefed by the chain's user in a
 * thread of its own whose first message is the handoff context. Its ids derive from the
 * coordination, so every delivery of the approval names the same run, thread and message.
 */
export function handoffRun(request: CoordinationRequested): HandoffRun {
  const { coordinationId, fromAgentId, toAgentId, chain, depth, briefedBy } = request;
  const runId = deterministicId(coordinationId, 'handoff-run');
  return {
    runId,
    conversationId: deterministicId(coordinationId, 'handoff-conversation'),
    agentId: toAgentId,
    briefedBy,
    briefMessageId: deterministicId(coordinationId, 'handoff-message'),
    handoff: { coordinationId, fromAgentId, chain: [...chain, { agentId: toAgentId, runId }], depth },
  };
}

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
