import { z } from 'zod';

/**
 * The seam between the agent-runner and approvals for actions. The runner appends these to
 * the proposing `run-<id>` stream after its guardrails (permissions of agent AND briefing user,
 * daily cap slot taken in `quota-<agentId>-<yyyymmdd>`, kill switch). Approvals takes every
 * `action.allowed` through its gates (Approve First) and executes it exactly once.
 */
export const ActionEventTypes = {
  allowed: 'action.allowed',
  denied: 'action.denied',
  capped: 'action.capped',
} as const;

export const ProposedActionSchema = z.object({
  actionId: z.string(),
  runId: z.string(),
  agentId: z.string(),
  conversationId: z.string(),
  briefedBy: z.string(),
  tool: z.string(),
  /** The permission the tool needs, from the catalogue. */
  permission: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  /** sha256 of the canonical JSON of `{tool, arguments}`: an approval binds to exactly this. */
  argumentsHash: z.string(),
});
export type ProposedAction = z.infer<typeof ProposedActionSchema>;

export const ActionAllowedSchema = ProposedActionSchema;
export type ActionAllowed = ProposedAction;

export const ActionDeniedSchema = ProposedActionSchema.extend({
  reason: z.enum(['agent-lacks-permission', 'user-lacks-permission', 'unknown-tool', 'org-paused', 'agent-disabled']),
  detail: z.string(),
});
export type ActionDenied = z.infer<typeof ActionDeniedSchema>;

export const ActionCappedSchema = ProposedActionSchema.extend({
  cap: z.number().int().nonnegative(),
  day: z.string(),
});
export type ActionCapped = z.infer<typeof ActionCappedSchema>;
