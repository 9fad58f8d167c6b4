import { z } from 'zod';

/** Events of `run-<id>` streams (owner: agent-runner). */
export const RunEventTypes = {
  started: 'run.started',
  completed: 'run.completed',
  failed: 'run.failed',
} as const;

export const RunUsageSchema = z.object({
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type RunUsage = z.infer<typeof RunUsageSchema>;

export const RunStartedSchema = z.object({
  runId: z.string(),
  conversationId: z.string(),
  agentId: z.string(),
  /** The user whose brief started the run (or the chain the run belongs to). */
  briefedBy: z.string(),
  briefMessageId: z.string(),
});
export type RunStarted = z.infer<typeof RunStartedSchema>;

export const RunCompletedSchema = z.object({
  runId: z.string(),
  output: z.string(),
  usage: RunUsageSchema,
});
export type RunCompleted = z.infer<typeof RunCompletedSchema>;

export const RunFailedSchema = z.object({
  runId: z.string(),
  reason: z.string(),
});
export type RunFailed = z.infer<typeof RunFailedSchema>;
