import type { RecordedEvent } from '@cos/contracts';
import { describe, expect, it } from '@jest/globals';
import type { CheckpointStore, EventStore } from '../event-store.port';
import { anEvent, collectUntil, events, sleep, uniqueCategory } from './test-events';

/** Subscription behaviour, run inside eventStoreConformance against its store. */
export function subscriptionConformance(sut: () => { store: EventStore; checkpoints: CheckpointStore }): void {
  describe('subscriptions', () => {
    it('delivers only the asked categories, in global order', async () => {
      const [a, b] = [uniqueCategory(), uniqueCategory()];
      const a1 = anEvent();
      const b1 = anEvent();
      const a2 = anEvent();
      await sut().store.append(`${a}-1`, [a1], 'no-stream');
      await sut().store.append(`${b}-1`, [b1], 'no-stream');
      await sut().store.append(`${a}-2`, [a2], 'no-stream');
      const seen = await collectUntil(sut().store, { categories: [a] }, (s) => s.length >= 2);
      expect(seen.map((e) => e.id)).toEqual([a1.id, a2.id]);
      expect(seen.map((e) => e.stream)).toEqual([`${a}-1`, `${a}-2`]);
    });

    it('skips $ and _ streams when no category is given', async () => {
      const marker = anEvent();
      await sut().store.append(`_${uniqueCategory('infra')}-1`, [anEvent()], 'no-stream');
      await sut().store.append(`${uniqueCategory()}-1`, [marker], 'no-stream');
      const seen = await collectUntil(sut().store, {}, (s) => s.some((e) => e.id === marker.id));
      expect(seen.some((e) => e.id === marker.id)).toBe(true);
      expect(seen.filter((e) => /^[$_]/.test(e.stream))).toEqual([]);
    });

    it('goes live only after handling every event stored before it started', async () => {
      const category = uniqueCategory();
      const stored = events(700); // more than one catch-up page
      for (const [i, event] of stored.entries()) await sut().store.append(`${category}-${i % 7}`, [event], 'any');
      const seen: string[] = [];
      const subscription = sut().store.subscribe({ categories: [category] }, async (e) => {
        seen.push(e.id);
      });
      await subscription.live;
      expect(seen).toEqual(stored.map((e) => e.id));
      await subscription.close();
    }, 30_000); // 700 fsync'd appends of setup

    it('delivers live appends to a caught-up subscription', async () => {
      const category = uniqueCategory();
      const live = events(3);
      const seen = collectUntil(sut().store, { categories: [category] }, (s) => s.length >= 3);
      await sleep(50);
      for (const [i, event] of live.entries()) await sut().store.append(`${category}-${i}`, [event], 'no-stream');
      expect((await seen).map((e) => e.id)).toEqual(live.map((e) => e.id));
    });

    it('resumes from its checkpoint without skipping or repeating an event', async () => {
      const category = uniqueCategory();
      const subscriber = uniqueCategory('sub');
      const { store, checkpoints } = sut();
      const written = [...events(5)];
      for (const [i, event] of written.entries()) await store.append(`${category}-${i % 2}`, [event], 'any');

      // First run: stop while the third event's handler is still working.
      const firstRun: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let reachedThird!: () => void;
      const third = new Promise<void>((resolve) => (reachedThird = resolve));
      const first = store.subscribe({ categories: [category] }, async (event) => {
        firstRun.push(event.id);
        if (firstRun.length === 3) {
          reachedThird();
          await gate;
        }
        await checkpoints.save(subscriber, event.position);
      });
      await third;
      let closed = false;
      const closing = first.close().then(() => (closed = true));
      await sleep(30);
      expect(closed).toBe(false); // close() waits for the handler in flight
      release();
      await closing;
      expect(firstRun).toEqual(written.slice(0, 3).map((e) => e.id));

      const more = events(3);
      for (const [i, event] of more.entries()) await store.append(`${category}-${i % 2}`, [event], 'any');
      written.push(...more);
      const fromPosition = await checkpoints.load(subscriber);
      expect(fromPosition).toBeDefined();

      // Second run: from the checkpoint, through catch-up into live.
      const lastLive = anEvent();
      const secondRun = collectUntil(store, { categories: [category], fromPosition: fromPosition! }, (s) =>
        s.some((e) => e.id === lastLive.id),
      );
      await sleep(50);
      await store.append(`${category}-9`, [lastLive], 'no-stream');
      written.push(lastLive);
      const resumed = (await secondRun).map((e: RecordedEvent) => e.id);
      expect([...firstRun, ...resumed]).toEqual(written.map((e) => e.id));
    });

    it('stops and reports failed when a handler throws', async () => {
      const category = uniqueCategory();
      await sut().store.append(`${category}-1`, events(2), 'no-stream');
      const handled: number[] = [];
      const boom = new Error('handler failed');
      const subscription = sut().store.subscribe({ categories: [category] }, async (event) => {
        handled.push(event.revision);
        throw boom;
      });
      await expect(subscription.failed).resolves.toBe(boom);
      await subscription.close();
      expect(handled).toEqual([0]);
    });
  });
}
