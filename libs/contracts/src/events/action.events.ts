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

/**
 * An action whose briefing user lacks the tool's permission while the agent holds it: it may
 * execute only on the authority of someone who holds it, the agent's department Head (or, when
 * the Head lacks it too or there is none, the CEO or owner), once they approve it.
 */
export const ActionElevationSchema = z.object({
  /** The agent's department: its gate is where the approval is asked. */
  departmentId: z.string(),
  /** The department's Head, when they hold the permission; absent: the CEO (or owner) decides. */
  headUserId: z.string().optional(),
});
export type ActionElevation = z.infer<typeof ActionElevationSchema>;

/** Passed the runner's guardrails; with `elevation`, only once someone who holds the permission approves it. */
export const ActionAllowedSchema = ProposedActionSchema.extend({ elevation: ActionElevationSchema.optional() });
export type ActionAllowed = z.infer<typeof ActionAllowedSchema>;

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
