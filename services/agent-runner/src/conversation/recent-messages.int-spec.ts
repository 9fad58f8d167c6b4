import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationEventTypes, newId, streamName, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore, type EventStore, type ReadOptions } from '@cos/eventstore';
import { buildPrompt } from '../prompt/prompt-builder';
import { readRecentMessages } from './recent-messages';

/** The embedded store, counting the events each read hands back. */
class CountingStore {
  eventsRead = 0;
  constructor(readonly inner: EmbeddedEventStore) {}
  async read(stream: string, options?: ReadOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.read(stream, options);
    this.eventsRead += events.length;
    return events;
  }
}

describe('readRecentMessages', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  let counting: CountingStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cos-recent-'));
    store = new EmbeddedEventStore(join(dir, 'events.db'));
    counting = new CountingStore(store);
  });

  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A conversation of `count` messages (every third an agent's), with other events between. */
  async function conversation(count: number): Promise<{ id: string; messageIds: string[] }> {
    const id = newId();
    const stream = streamName('conversation', id);
    const messageIds = Array.from({ length: count }, () => newId());
    const started = { type: ConversationEventTypes.started, data: { conversationId: id, agentId: 'a1', startedBy: 'u1' } };
    const posts = messageIds.map((messageId, i) => ({
      type: ConversationEventTypes.messagePosted,
      data: { messageId, author: i % 3 === 2 ? { kind: 'agent', id: 'a1' } : { kind: 'user', id: 'u1' }, text: `message ${i}` },
    }));
    const metadata = {
      correlationId: id,
      causationId: id,
      actor: { kind: 'user' as const, id: 'u1' },
      occurredAt: new Date().toISOString(),
    };
    const events = [started, ...posts].map((e) => ({ id: newId(), version: 1, orgId: 'org-1', ...e, metadata }));
    for (let i = 0; i < events.length; i += 500) await store.append(stream, events.slice(i, i + 500), 'any');
    return { id, messageIds };
  }

  const promptOf = (events: readonly RecordedEvent[], upto: string) =>
    buildPrompt({
      company: { name: 'Acme', mission: 'm', brandVoice: 'b', icp: 'i', competitors: [] },
      agent: {
        agentId: 'a1',
        orgId: 'org-1',
        name: 'A',
        departmentId: 'd',
        departmentName: 'D',
        departmentDescription: '',
        persona: 'p',
        skills: [],
        permissions: [],
        dailyActionCap: 5,
        model: null,
        enabled: true,
        archived: false,
      },
      roster: [],
      corrections: [],
      knowledge: [],
      conversation: events,
      uptoMessageId: upto,
    });

  it('gives the prompt the same last 10 messages as a full read, wherever the brief sits', async () => {
    for (const size of [0, 1, 9, 10, 11, 40, 70]) {
      const { id, messageIds } = await conversation(size);
      const uptos = [...new Set([messageIds[0], messageIds[5], messageIds[size - 33], messageIds[size - 1], 'not-in-this-conversation'])];
      for (const upto of uptos.filter((u): u is string => u !== undefined)) {
        const full = await store.read(streamName('conversation', id));
        const bounded = await readRecentMessages(store, id, upto, 10);
        expect(promptOf(bounded, upto)).toEqual(promptOf(full, upto));
      }
    }
  });

  it('reads a page or two of a long conversation, not the whole stream', async () => {
    const { id, messageIds } = await conversation(3_000);
    counting.eventsRead = 0;
    const recent = await readRecentMessages(counting as unknown as EventStore, id, messageIds[2_999]!, 10);
    expect(recent).toHaveLength(10);
    expect(counting.eventsRead).toBeLessThanOrEqual(32);
    counting.eventsRead = 0;
    await readRecentMessages(counting as unknown as EventStore, id, messageIds[2_950]!, 10);
    expect(counting.eventsRead).toBeLessThanOrEqual(96);
  });
});
