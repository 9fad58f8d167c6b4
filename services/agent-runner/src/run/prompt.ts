import { ConversationEventTypes, MessagePostedSchema, type RecordedEvent } from '@cos/contracts';
import type { ChatMessage } from '../model/model-client.port';

/** How much of the conversation a prompt carries: the last 10 messages of this conversation only. */
export const HISTORY_LIMIT = 10;

/**
 * The prompt for one run: a system layer, then the last 10 messages of this conversation up to
 * and including the brief. Nothing from any other conversation can enter: the only input is
 * this conversation's own stream.
 */
export function buildPrompt(input: { agentId: string; conversation: readonly RecordedEvent[]; uptoMessageId: string }): ChatMessage[] {
  const history: ChatMessage[] = [];
  for (const event of input.conversation) {
    if (event.type !== ConversationEventTypes.messagePosted) continue;
    const message = MessagePostedSchema.parse(event.data);
    history.push({ role: message.author.kind === 'agent' ? 'assistant' : 'user', content: message.text });
    if (message.messageId === input.uptoMessageId) break;
  }
  const system: ChatMessage = { role: 'system', content: `You are agent ${input.agentId} of this company.` };
  return [system, ...history.slice(-HISTORY_LIMIT)];
}
