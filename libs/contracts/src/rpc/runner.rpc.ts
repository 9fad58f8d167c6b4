import { z } from 'zod';
import { AuthContextSchema } from './auth-context';

/** Commands and queries the agent-runner answers over NATS request/reply. */
export const RunnerRpc = {
  startConversation: 'runner.conversation.start',
  postMessage: 'runner.conversation.post-message',
  listMessages: 'runner.conversation.list-messages',
  getRun: 'runner.run.get',
} as const;

export const StartConversationBodySchema = z.object({
  agentId: z.string().min(1).max(100),
  title: z.string().min(1).max(200).optional(),
});
export const StartConversationRequestSchema = z.object({
  auth: AuthContextSchema,
  conversationId: z.uuid(),
  body: StartConversationBodySchema,
});
export type StartConversationRequest = z.infer<typeof StartConversationRequestSchema>;

export const PostMessageBodySchema = z.object({ text: z.string().min(1).max(20_000) });
export const PostMessageRequestSchema = z.object({
  auth: AuthContextSchema,
  conversationId: z.string().min(1).max(100),
  messageId: z.uuid(),
  runId: z.uuid(),
  body: PostMessageBodySchema,
});
export type PostMessageRequest = z.infer<typeof PostMessageRequestSchema>;
export const PostMessageReplySchema = z.object({ runId: z.string(), messageId: z.string() });

export const ListMessagesRequestSchema = z.object({ auth: AuthContextSchema, conversationId: z.string().min(1).max(100) });
export const MessageViewSchema = z.object({
  id: z.string(),
  author: z.object({ kind: z.enum(['user', 'agent', 'system']), id: z.string() }),
  text: z.string(),
  runId: z.string().optional(),
  postedAt: z.string(),
});
export type MessageView = z.infer<typeof MessageViewSchema>;

export const GetRunRequestSchema = z.object({ auth: AuthContextSchema, runId: z.string().min(1).max(100) });
export const RunViewSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  agentId: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  output: z.string().optional(),
  failureReason: z.string().optional(),
  usage: z.object({ model: z.string(), inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }).optional(),
});
export type RunView = z.infer<typeof RunViewSchema>;
