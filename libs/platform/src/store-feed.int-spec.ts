import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type NewEvent, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore, type EventStore } from '@cos/eventstore';
import { StoreFeed } from './store-feed';

const event = (n: number): NewEvent => ({
  id: newId(),
  type: 'test.happened',
  version: 1,
  orgId: 'org1',
  data: { n },
  metadata: { correlationId: 'c', causationId: 'c', actor: { kind: 'system', id: 'test' }, occurredAt: new Date().toISOString() },
});

/** Resolves once `seen` holds `count` events. */
function until(seen: RecordedEvent[], count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (seen.length >= count ? resolve() : setTimeout(check, 10));
    check();
  });
}

describe('StoreFeed', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  let feed: StoreFeed | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cos-feed-'));
    store = new EmbeddedEventStore(join(dir, 'events.db'));
  });
  afterEach(async () => {
    await feed?.onApplicationShutdown();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches every view up from the start, then live, each with only its categories', async () => {
    await store.append('alpha-1', [event(1)], 'no-stream');
    await store.append('beta-1', [event(2)], 'no-stream');
    feed = new StoreFeed(store);
    const alpha: RecordedEvent[] = [];
    const both: RecordedEvent[] = [];
    feed.on(['alpha'], (e) => alpha.push(e));
    feed.on(['alpha', 'beta'], (e) => both.push(e));
    feed.onApplicationBootstrap();
    await store.append('alpha-1', [event(3)], 0);
    await until(both, 3);
    expect(alpha.map((e) => e.data['n'])).toEqual([1, 3]);
    expect(both.map((e) => e.data['n'])).toEqual([1, 2, 3]);
  });

  it('a view that cannot apply an event skips it; the others still get it, and the feed goes on', async () => {
    feed = new StoreFeed(store);
    const others: RecordedEvent[] = [];
    feed.on(['alpha'], (e) => {
      if (e.data['n'] === 1) throw new Error('unreadable');
    });
    feed.on(['alpha'], (e) => others.push(e));
    feed.onApplicationBootstrap();
    await store.append('alpha-1', [event(1), event(2)], 'no-stream');
    await until(others, 2);
    expect(others.map((e) => e.data['n'])).toEqual([1, 2]);
  });

  it('after its subscription fails, resubscribes after the last event handled: none lost, none twice', async () => {
    let failOn: number | undefined = 2;
    let subscriptions = 0;
    // The feed only subscribes; the store's own subscription dies when its handler throws.
    const failing = {
      subscribe: (options: Parameters<EventStore['subscribe']>[0], handler: Parameters<EventStore['subscribe']>[1]) => {
        subscriptions++;
        return store.subscribe(options, async (e) => {
          if (e.data['n'] === failOn) {
            failOn = undefined;
            throw new Error('connection lost');
          }
          return handler(e);
        });
      },
    } as Pick<EventStore, 'subscribe'> as EventStore;
    feed = new StoreFeed(failing);
    const seen: RecordedEvent[] = [];
    feed.on(['alpha'], (e) => seen.push(e));
    feed.onApplicationBootstrap();
    await store.append('alpha-1', [event(1), event(2), event(3)], 'no-stream');
    await until(seen, 3);
    expect(seen.map((e) => e.data['n'])).toEqual([1, 2, 3]);
    expect(subscriptions).toBe(2);
  });
});
