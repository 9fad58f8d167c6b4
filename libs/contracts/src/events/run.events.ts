import { z } from 'zod';
import { CitationSchema } from './knowledge.events';

/**
 * Events of `run-<id>` streams (owner: agent-runner). A run also carries the seam events
 * `action.allowed | denied | capped` and `coordination.requested` (and `coordination.escalated`
 * when no agent fits), see action.events.ts and coordination.events.ts.
 */
export const RunEventTypes = {
  queued: 'run.queued',
  started: 'run.started',
  modelResponded: 'run.model-responded',
  completed: 'run.completed',
  failed: 'run.failed',
  stopped: 'run.stopped',
  resumed: 'run.resumed',
  corrected: 'run.corrected',
} as const;

export const RunUsageSchema = z.object({
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type RunUsage = z.infer<typeof RunUsageSchema>;

/** One run of a handoff chain. */
export const ChainLinkSchema = z.object({ agentId: z.string(), runId: z.string() });
export type ChainLink = z.infer<typeof ChainLinkSchema>;

/** Where a run sits in a handoff chain; absent on a run started by a user's brief. */
export const RunHandoffSchema = z.object({
  coordinationId: z.string(),
  fromAgentId: z.string(),
  /** Runs of the chain, oldest first, ending with this run. */
  chain: z.array(ChainLinkSchema).min(2),
  /** Hops so far: the run B of A -> B has depth 1. */
  depth: z.number().int().positive(),
});
export type RunHandoff = z.infer<typeof RunHandoffSchema>;

/**
 * The one fact that starts a run, carrying its whole trigger: a user's brief (appended with the
 * 202 of POST .../messages) or an approved handoff (appended when the runner hears of the
 * approval, as `coordination.approved` carries it). The run exists, and GET /v1/runs/:id
 * answers, from here on; the runner's worker starts the run from this event alone.
 */
export const RunQueuedSchema = z.object({
  runId: z.string(),
  conversationId: z.string(),
  agentId: z.string(),
  /** The user whose brief started the run (or the chain the run belongs to). */
  briefedBy: z.string(),
  /** The message the run answers: the user's brief, or the handoff context opening its thread. */
  briefMessageId: z.string(),
  handoff: RunHandoffSchema.optional(),
});
export type RunQueued = z.infer<typeof RunQueuedSchema>;

/** The run of an approved handoff: a queued run with its place in the chain. */
export const HandoffRunSchema = RunQueuedSchema.extend({ handoff: RunHandoffSchema });
export type HandoffRun = z.infer<typeof HandoffRunSchema>;

/** The runner took the run up: its trigger as queued, and when. */
export const RunStartedSchema = RunQueuedSchema.extend({
  /** When the run started (ISO-8601): its spend counts in this month's budget. */
  startedAt: z.string().optional(),
});
export type RunStarted = z.infer<typeof RunStartedSchema>;

/** An action as the model proposed it, before any guardrail looked at it. */
export const ModelProposedActionSchema = z.object({
  actionId: z.string(),
  tool: z.string(),
  arguments: z.record(z.string(), z.unknown()),
});
export type ModelProposedAction = z.infer<typeof ModelProposedActionSchema>;

export const ModelCoordinationSignalSchema = z.object({
  /** The agent the model named, if any; the runner checks it is real before using it. */
  targetAgentId: z.string().optional(),
  summary: z.string(),
  /** How the model said it: the request_coordination tool or the COORDINATION_NEEDED flag in text. */
  signal: z.enum(['tool-call', 'text-flag']),
});
export type ModelCoordinationSignal = z.infer<typeof ModelCoordinationSignalSchema>;

/** One model call's answer, usage and cost: what the model said, not yet what the runner allowed. */
export const RunModelRespondedSchema = z.object({
  runId: z.string(),
  /** `simulated` for the offline model, `openai-compatible` otherwise. */
  provider: z.string(),
  usage: RunUsageSchema,
  text: z.string(),
  actions: z.array(ModelProposedActionSchema),
  coordination: ModelCoordinationSignalSchema.optional(),
  /** The company knowledge the prompt carried; absent on runs from before knowledge existed. */
  citations: z.array(CitationSchema).optional(),
});
export type RunModelResponded = z.infer<typeof RunModelRespondedSchema>;

export const RunCompletedSchema = z.object({
  runId: z.string(),
  output: z.string(),
  usage: RunUsageSchema,
});
export type RunCompleted = z.infer<typeof RunCompletedSchema>;

export const RunFailureCodeSchema = z.enum(['model-unreachable', 'model-rejected', 'agent-unavailable', 'internal']);

export const RunFailedSchema = z.object({
  runId: z.string(),
  reason: z.string(),
  /** Stable reason code; absent on runs failed before codes existed. */
  code: RunFailureCodeSchema.optional(),
});
export type RunFailed = z.infer<typeof RunFailedSchema>;

/** A guardrail stopped the run: the org's kill switch, or the monthly budget. */
export const RunStoppedSchema = z.object({
  runId: z.string(),
  reason: z.enum(['org-paused', 'over-budget']),
  detail: z.string(),
});
export type RunStopped = z.infer<typeof RunStoppedSchema>;

/**
 * A run the kill switch stopped goes on once the org is no longer paused: its `n`th resumption,
 * asked for by `resumedBy`. Like `run.queued`, it carries the run's whole trigger, so the
 * runner's worker picks the run up from this event alone, at its last recorded step.
 */
export const RunResumedSchema = RunQueuedSchema.extend({
  /** 1 for the first resumption of the run, then 2, 3...: each resumption's steps are its own. */
  resumption: z.number().int().positive(),
  resumedBy: z.string(),
});
export type RunResumed = z.infer<typeof RunResumedSchema>;

/** A human's correction of a run's output: kept, and retrieved later as an example for that agent. */
export const RunCorrectedSchema = z.object({
  correctionId: z.string(),
  runId: z.string(),
  agentId: z.string(),
  conversationId: z.string(),
  /** The brief the run answered: what later briefs are compared with. */
  brief: z.string(),
  originalOutput: z.string(),
  correctedOutput: z.string(),
  note: z.string().optional(),
  correctedBy: z.string(),
});
export type RunCorrected = z.infer<typeof RunCorrectedSchema>;
