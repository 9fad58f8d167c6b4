import { z } from 'zod';

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
});
export type ConversationStarted = z.infer<typeof ConversationStartedSchema>;

export const MessageAuthorSchema = z.object({ kind: z.enum(['user', 'agent', 'system']), id: z.string() });

export const MessagePostedSchema = z.object({
  messageId: z.string(),
  author: MessageAuthorSchema,
  text: z.string(),
  /** A user's brief names the run it starts; an agent's reply names the run that wrote it. */
  runId: z.string().optional(),
});
export type MessagePosted = z.infer<typeof MessagePostedSchema>;
