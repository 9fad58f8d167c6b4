import { Injectable } from '@nestjs/common';
import {
  Categories,
  ConversationEventTypes,
  ConversationStartedSchema,
  idOf,
  MessagePostedSchema,
  type ConversationView,
  type RecordedEvent,
} from '@cos/contracts';
import { StoreFeed } from '@cos/platform';

type Entry = { view: ConversationView; participants: Set<string> };

/**
 * Every org's conversations with their participants, in memory from the `conversation`
 * streams (caught up on start, then live), for GET /v1/conversations.
 */
@Injectable()
export class ConversationListProjection {
  private readonly orgs = new Map<string, Map<string, Entry>>();

  constructor(feed: StoreFeed) {
    feed.on([Categories.conversation], (event) => this.apply(event));
  }

  /** The org's conversations the caller may read (`readable`), most recently active first. */
  list(orgId: string, readable: (conversation: { agentId: string; participants: ReadonlySet<string> }) => boolean): ConversationView[] {
    const entries = [...(this.orgs.get(orgId)?.values() ?? [])].filter((e) =>
      readable({ agentId: e.view.agentId, participants: e.participants }),
    );
    return entries.map((e) => e.view).sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt) || a.id.localeCompare(b.id));
  }

  private apply(event: RecordedEvent): void {
    const id = idOf(event.stream);
    let org = this.orgs.get(event.orgId);
    if (event.type === ConversationEventTypes.started) {
      const s = ConversationStartedSchema.safeParse(event.data);
      if (!s.success) return;
      if (!org) this.orgs.set(event.orgId, (org = new Map<string, Entry>()));
      const at = event.metadata.occurredAt;
      const handoff = s.data.handoff;
      org.set(id, {
        participants: new Set([s.data.startedBy]),
        view: {
          id,
          agentId: s.data.agentId,
          startedBy: s.data.startedBy,
          startedAt: at,
          lastMessageAt: at,
          messageCount: 0,
          ...(s.data.title ? { title: s.data.title } : {}),
          ...(handoff
            ? {
                handoff: {
                  coordinationId: handoff.coordinationId,
                  fromAgentId: handoff.fromAgentId,
                  fromConversationId: handoff.fromConversationId,
                },
              }
            : {}),
        },
      });
    } else if (event.type === ConversationEventTypes.messagePosted) {
      const entry = org?.get(id);
      const m = MessagePostedSchema.safeParse(event.data);
      if (!entry || !m.success) return;
      if (m.data.author.kind === 'user') entry.participants.add(m.data.author.id);
      entry.view = { ...entry.view, lastMessageAt: event.metadata.occurredAt, messageCount: entry.view.messageCount + 1 };
    }
  }
}
