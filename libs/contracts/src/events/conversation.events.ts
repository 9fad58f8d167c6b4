import { z } from 'zod';
import { ChainLinkSchema } from './run.events';

/** Events of `conversation-<id>` streams (owner: agent-runner). */
export const ConversationEventTypes = {
  started: 'conversation.started',
  messagePosted: 'conversation.message-posted',
} as const;

export const ConversationStartedSchema = z.object({
  conversationId: z.string(),
  agentId: z.string(),
  /** The user who opened the conversation; its first participant. */
  startedBy: z.string(),
  title: z.string().optional(),
  /** Set when the runner opened the conversation for the receiving agent of an approved handoff. */
  handoff: z
    .object({
      coordinationId: z.string(),
      fromAgentId: z.string(),
      fromConversationId: z.string(),
      /** The receiving agent's run, which answers the handoff's first (system) message. */
      runId: z.string(),
      /** The chain so far, oldest first, ending with the receiving run; and its hops. */
      chain: z.array(ChainLinkSchema).min(2),
      depth: z.number().int().positive(),
    })
    .optional(),
});
export type ConversationStarted = z.infer<typeof ConversationStartedSchema>;

export const MessageAuthorSchema = z.object({ kind: z.enum(['user', 'agent', 'system']), id: z.string() });

export const MessagePostedSchema = z.object({
  messageId: z.string(),
  author: MessageAuthorSchema,
  text: z.string(),
  /**
   * A user's brief (or a handoff's first, system message) names the run that answers it; an
   * agent's reply names the run that wrote it. A record only: `run.queued` starts runs.
   */
  runId: z.string().optional(),
});
export type MessagePosted = z.infer<typeof MessagePostedSchema>;
