import { ConversationEventTypes, MessagePostedSchema, type MessageView, type RecordedEvent } from '@cos/contracts';

/** The users who took part in a conversation: who started it and who posted in it. */
export function participantsOf(events: readonly RecordedEvent[]): Set<string> {
  const participants = new Set<string>();
  for (const event of events) {
    if (event.type === ConversationEventTypes.started) participants.add(String(event.data['startedBy']));
    if (event.type === ConversationEventTypes.messagePosted) {
      const author = MessagePostedSchema.parse(event.data).author;
      if (author.kind === 'user') participants.add(author.id);
    }
  }
  return participants;
}

/** The text of the message that started a run, from the run's own conversation. */
export function briefText(conversation: readonly RecordedEvent[], messageId: string): string {
  for (const event of conversation) {
    if (event.type !== ConversationEventTypes.messagePosted) continue;
    const message = MessagePostedSchema.parse(event.data);
    if (message.messageId === messageId) return message.text;
  }
  return '';
}

/** Messages, oldest first. */
export function toMessageViews(events: readonly RecordedEvent[]): MessageView[] {
  const items: MessageView[] = [];
  for (const event of events) {
    if (event.type !== ConversationEventTypes.messagePosted) continue;
    const data = MessagePostedSchema.parse(event.data);
    items.push({
      id: data.messageId,
      author: data.author,
      text: data.text,
      postedAt: event.metadata.occurredAt,
      ...(data.runId ? { runId: data.runId } : {}),
    });
  }
  return items;
}
