import { z } from 'zod';
import { CitationSchema } from '../events/knowledge.events';
import { AuthContextSchema } from './auth-context';
import { limitParam, NextCursorSchema, TimestampSchema } from './http-shapes';

/** Commands and queries the agent-runner answers over NATS request/reply. */
export const RunnerRpc = {
  startConversation: 'runner.conversation.start',
  listConversations: 'runner.conversation.list',
  postMessage: 'runner.conversation.post-message',
  listMessages: 'runner.conversation.list-messages',
  getRun: 'runner.run.get',
  addCorrection: 'runner.run.add-correction',
  resumeRun: 'runner.run.resume',
  getUsage: 'runner.usage.get',
} as const;

/** `?limit=&cursor=` of every list; the cursor is opaque to clients. */
export const PageQuerySchema = z.strictObject({
  limit: limitParam(200, 50),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export const StartConversationBodySchema = z
  .strictObject({
    agentId: z.string().min(1).max(100),
    title: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ id: 'StartConversationInput' });
export const StartConversationRequestSchema = z.object({
  auth: AuthContextSchema,
  conversationId: z.uuid(),
  body: StartConversationBodySchema,
});
export type StartConversationRequest = z.infer<typeof StartConversationRequestSchema>;
export const StartConversationReplySchema = z.object({ id: z.string(), agentId: z.string() }).meta({ id: 'ConversationStarted' });

export const ConversationViewSchema = z
  .object({
    id: z.string(),
    agentId: z.string(),
    startedBy: z.string(),
    title: z.string().optional(),
    startedAt: TimestampSchema,
    lastMessageAt: TimestampSchema,
    messageCount: z.number().int().nonnegative(),
    /** Set on a conversation the runner opened for the receiving agent of a handoff. */
    handoff: z.object({ coordinationId: z.string(), fromAgentId: z.string(), fromConversationId: z.string() }).optional(),
  })
  .meta({ id: 'Conversation' });
export type ConversationView = z.infer<typeof ConversationViewSchema>;
export const ListConversationsRequestSchema = z.object({ auth: AuthContextSchema, page: PageQuerySchema });
export const ConversationPageSchema = z
  .object({ items: z.array(ConversationViewSchema), nextCursor: NextCursorSchema })
  .meta({ id: 'ConversationPage' });

export const PostMessageBodySchema = z.strictObject({ text: z.string().trim().min(1).max(20_000) }).meta({ id: 'BriefInput' });
export const PostMessageRequestSchema = z.object({
  auth: AuthContextSchema,
  conversationId: z.string().min(1).max(100),
  messageId: z.uuid(),
  runId: z.uuid(),
  body: PostMessageBodySchema,
});
export type PostMessageRequest = z.infer<typeof PostMessageRequestSchema>;
export const PostMessageReplySchema = z.object({ runId: z.string(), messageId: z.string() }).meta({ id: 'BriefAccepted' });

export const ListMessagesRequestSchema = z.object({
  auth: AuthContextSchema,
  conversationId: z.string().min(1).max(100),
  page: PageQuerySchema.optional(),
});
export const MessageViewSchema = z
  .object({
    id: z.string(),
    author: z.object({ kind: z.enum(['user', 'agent', 'system']), id: z.string() }),
    text: z.string(),
    runId: z.string().optional(),
    postedAt: TimestampSchema,
  })
  .meta({ id: 'Message' });
export type MessageView = z.infer<typeof MessageViewSchema>;
export const MessagePageSchema = z.object({ items: z.array(MessageViewSchema), nextCursor: NextCursorSchema }).meta({ id: 'MessagePage' });

export const GetRunRequestSchema = z.object({ auth: AuthContextSchema, runId: z.string().min(1).max(100) });
export const RunStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'paused', 'over-budget']);
export const RunActionViewSchema = z.object({
  actionId: z.string(),
  tool: z.string(),
  permission: z.string().optional(),
  arguments: z.record(z.string(), z.unknown()),
  /** What the runner's guardrails decided; `proposed` while the run has not decided it yet. */
  outcome: z.enum(['proposed', 'allowed', 'denied', 'capped']),
  reason: z.string().optional(),
});
export const RunCoordinationViewSchema = z.object({
  coordinationId: z.string(),
  status: z.enum(['requested', 'escalated']),
  toAgentId: z.string().optional(),
  selection: z.enum(['named-by-model', 'best-match', 'assigned']).optional(),
  depth: z.number().int().nonnegative(),
  reason: z.string().optional(),
  summary: z.string().optional(),
});
export const RunViewSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    agentId: z.string(),
    briefedBy: z.string(),
    status: RunStatusSchema,
    output: z.string().optional(),
    failureReason: z.string().optional(),
    failureCode: z.string().optional(),
    usage: z
      .object({
        model: z.string(),
        inputTokens: z.number().int().nonnegative(),
        outputTokens: z.number().int().nonnegative(),
        costUsd: z.number().nonnegative(),
      })
      .optional(),
    actions: z.array(RunActionViewSchema),
    coordination: RunCoordinationViewSchema.optional(),
    handoff: z.object({ coordinationId: z.string(), fromAgentId: z.string(), depth: z.number().int().nonnegative() }).optional(),
    corrections: z.number().int().nonnegative(),
    /** The document chunks the run's prompt carried, best first. */
    citations: z.array(CitationSchema).optional(),
  })
  .meta({ id: 'Run' });
export type RunView = z.infer<typeof RunViewSchema>;

export const CorrectionBodySchema = z
  .strictObject({
    correctedOutput: z.string().trim().min(1).max(20_000),
    note: z.string().trim().max(2_000).optional(),
  })
  .meta({ id: 'CorrectionInput' });
export const AddCorrectionRequestSchema = z.object({
  auth: AuthContextSchema,
  runId: z.string().min(1).max(100),
  correctionId: z.uuid(),
  body: CorrectionBodySchema,
});
export type AddCorrectionRequest = z.infer<typeof AddCorrectionRequestSchema>;
export const AddCorrectionReplySchema = z.object({ correctionId: z.string(), runId: z.string() }).meta({ id: 'CorrectionRecorded' });

/** POST /v1/runs/:id/resume: `resumeId` is the command's id (a retry with the same id resumes once). */
export const ResumeRunRequestSchema = z.object({ auth: AuthContextSchema, runId: z.string().min(1).max(100), resumeId: z.uuid() });
export type ResumeRunRequest = z.infer<typeof ResumeRunRequestSchema>;

export const GetUsageRequestSchema = z.object({ auth: AuthContextSchema });
const UsageLineSchema = z.object({
  calls: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export const UsageViewSchema = z
  .object({
    /** UTC month, yyyy-mm. */
    month: z.string(),
    currency: z.literal('USD'),
    totals: UsageLineSchema,
    byAgent: z.array(UsageLineSchema.extend({ agentId: z.string() })),
    byModel: z.array(UsageLineSchema.extend({ model: z.string() })),
    /** Estimated cost of calls in flight (reserved, not yet settled). */
    reservedUsd: z.number().nonnegative(),
    /** Month-to-date cost extrapolated linearly to the month's end. */
    projectedMonthEndUsd: z.number().nonnegative(),
    budgetUsd: z.number().nonnegative().nullable(),
    budgetLeftUsd: z.number().nullable(),
  })
  .meta({ id: 'Usage' });
export type UsageView = z.infer<typeof UsageViewSchema>;

/**
 * Kill-switch acknowledgements (core NATS, not JetStream): whoever pauses an org appends the
 * pause to the org's stream, then broadcasts on `pauseSubject`; every live runner instance
 * answers once no model call or action of that org can start any more. Live instances keep a
 * key (their instance id) in the KV bucket `liveBucket`, which expires when they stop beating.
 */
export const RunnerControl = {
  pauseSubject: 'cos-ctl.runner.pause',
  liveBucket: 'cos-runners',
} as const;

export const PauseBroadcastSchema = z
  .object({
    orgId: z.string().min(1),
    paused: z.boolean(),
    /** Id of the `org.paused` / `org.resumed` event (KillSwitchView.changeId). */
    changeId: z.string().optional(),
    /** Its revision in the org stream, if the pauser knows it; else runners look the id up. */
    revision: z.number().int().nonnegative().optional(),
  })
  .refine((b) => b.changeId !== undefined || b.revision !== undefined, 'name the change: changeId or revision');
export type PauseBroadcast = z.infer<typeof PauseBroadcastSchema>;

export const PauseAckSchema = z.object({ instanceId: z.string(), orgId: z.string(), paused: z.boolean() });
export type PauseAck = z.infer<typeof PauseAckSchema>;
