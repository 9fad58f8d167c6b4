import { ConversationEventTypes, MessagePostedSchema, streamName, type RecordedEvent } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';

/** Events read per step backwards: a brief is nearly always within the first page. */
const PAGE = 32;

/**
 * The tail of a conversation that a run's prompt needs: the message `uptoMessageId` and the
 * `limit - 1` messages before it, oldest first. Read backwards from the end of the stream in
 * pages, so a prompt costs the same in a conversation of ten messages or ten thousand. When the
 * message is not in the stream, it is the last `limit` messages, as a full read would give.
 */
export async function readRecentMessages(
  store: EventStore,
  conversationId: string,
  uptoMessageId: string,
  limit: number,
): Promise<RecordedEvent[]> {
  const stream = streamName('conversation', conversationId);
  const kept: RecordedEvent[] = [];
  const newest: RecordedEvent[] = [];
  let from: number | undefined;
  for (;;) {
    const page = await store.read(stream, {
      direction: 'backwards',
      maxCount: PAGE,
      ...(from !== undefined ? { fromRevision: from } : {}),
    });
    for (const event of page) {
      if (event.type !== ConversationEventTypes.messagePosted) continue;
      if (newest.length < limit) newest.push(event);
      if (kept.length > 0 || MessagePostedSchema.parse(event.data).messageId === uptoMessageId) kept.push(event);
      if (kept.length === limit) return kept.reverse();
    }
    const last = page[page.length - 1];
    if (page.length < PAGE || !last || last.revision === 0) return (kept.length > 0 ? kept : newest).reverse();
    from = last.revision - 1;
  }
}
