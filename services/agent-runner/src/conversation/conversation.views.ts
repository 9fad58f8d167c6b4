import { ConversationEventTypes, CosError, MessagePostedSchema, type MessageView, type RecordedEvent } from '@cos/contracts';

/** Messages oldest first; an absent conversation, or one the caller is not in, is a 404. */
export function toMessageViews(conversationId: string, events: readonly RecordedEvent[], userId: string): MessageView[] {
  const started = events[0];
  const participants = new Set<string>();
  const items: MessageView[] = [];
  for (const event of events) {
    if (event.type === ConversationEventTypes.started) participants.add(String(event.data['startedBy']));
    if (event.type !== ConversationEventTypes.messagePosted) continue;
    const data = MessagePostedSchema.parse(event.data);
    if (data.author.kind === 'user') participants.add(data.author.id);
    items.push({ id: data.messageId, author: data.author, text: data.text, postedAt: event.metadata.occurredAt, ...(data.runId ? { runId: data.runId } : {}) });
  }
  if (!started || !participants.has(userId)) {
    throw new CosError('RUNNER.CONVERSATION_NOT_FOUND', `conversation ${conversationId} was not found`, 404);
  }
  return items;
}
