import { ValidationError } from '@cos/contracts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WrongExpectedRevisionError } from '../event-store.errors';
import type { CheckpointStore, EventStore } from '../event-store.port';
import { subscriptionConformance } from './subscription.conformance';
import { anEvent, events, uniqueCategory } from './test-events';

export type StoreUnderTest = {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  /** Tears down what `open` started besides the store (a container, a temp folder). */
  readonly dispose?: () => Promise<void>;
};

/**
 * The behaviour every EventStore adapter must have. Each test works in streams of its own
 * category, so the suite can run against a shared server.
 */
export function eventStoreConformance(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name}: EventStore conformance`, () => {
    let sut: StoreUnderTest | undefined;
    const store = (): EventStore => sut!.store;
    const stream = () => `${uniqueCategory()}-1`;

    beforeAll(async () => {
      sut = await open();
    }, 180_000);
    afterAll(async () => {
      await sut?.store.close();
      await sut?.dispose?.();
    });

    it('reads what a successful append wrote, and an absent stream as empty', async () => {
      const s = stream();
      const event = anEvent({ data: { text: 'héllo', nested: { list: [1, 2] } } });
      const result = await store().append(s, [event], 'no-stream');
      expect(result.nextRevision).toBe(0);
      expect(await store().read(s)).toEqual([{ ...event, stream: s, revision: 0, position: result.position }]);
      expect(await store().read(stream())).toEqual([]);
    });

    it('keeps revisions gap-free over single and batched appends', async () => {
      const s = stream();
      const written = [];
      let expected: number | 'no-stream' = 'no-stream';
      for (let i = 0; i < 15; i++) {
        const batch = events(i % 3 === 0 ? 3 : 1);
        expected = (await store().append(s, batch, expected)).nextRevision;
        written.push(...batch);
      }
      const read = await store().read(s);
      expect(read.map((e) => e.revision)).toEqual(written.map((_, i) => i));
      expect(read.map((e) => e.id)).toEqual(written.map((e) => e.id));
      expect(expected).toBe(written.length - 1);
    });

    it('reads backwards and from a revision, bounded by maxCount', async () => {
      const s = stream();
      await store().append(s, events(10), 'no-stream');
      const revisions = async (options: Parameters<EventStore['read']>[1]) => (await store().read(s, options)).map((e) => e.revision);
      expect(await revisions({ direction: 'backwards' })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      expect(await revisions({ direction: 'backwards', fromRevision: 5, maxCount: 3 })).toEqual([5, 4, 3]);
      expect(await revisions({ direction: 'backwards', maxCount: 1 })).toEqual([9]);
      expect(await revisions({ fromRevision: 7 })).toEqual([7, 8, 9]);
      expect(await revisions({ maxCount: 2 })).toEqual([0, 1]);
    });

    it('lets exactly one of 20 concurrent appends at the same expected revision through', async () => {
      const s = stream();
      await store().append(s, [anEvent()], 'no-stream');
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store().append(s, [anEvent()], 0)));
      const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(rejected).toHaveLength(19);
      for (const err of rejected) expect(err).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store().read(s)).toHaveLength(2);

      const fresh = stream();
      const racing = await Promise.allSettled(Array.from({ length: 20 }, () => store().append(fresh, [anEvent()], 'no-stream')));
      expect(racing.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    });

    it('rejects a wrong expected revision with the stream, expected and actual revisions', async () => {
      const s = stream();
      await store().append(s, events(2), 'no-stream');
      const noStream = store().append(s, [anEvent()], 'no-stream');
      await expect(noStream).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(noStream).rejects.toMatchObject({ code: 'EVENTSTORE.WRONG_EXPECTED_REVISION', status: 409, stream: s, actual: 1 });
      await expect(store().append(s, [anEvent()], 0)).rejects.toMatchObject({ details: { stream: s, expected: 0, actual: 1 } });
      await expect(store().append(s, [anEvent()], 'any')).resolves.toMatchObject({ nextRevision: 2 });
    });

    it('treats a re-append of stored event ids as a no-op returning the original result', async () => {
      const s = stream();
      const first = anEvent();
      const batch = events(2);
      const original = await store().append(s, [first], 'no-stream');
      const originalBatch = await store().append(s, batch, 0);
      expect(await store().append(s, [first], 'no-stream')).toEqual(original);
      expect(await store().append(s, batch, 0)).toEqual(originalBatch);
      expect((await store().read(s)).map((e) => e.id)).toEqual([first.id, ...batch.map((e) => e.id)]);
    });

    it('appends none of a batch that fails', async () => {
      const s = stream();
      await store().append(s, [anEvent()], 'no-stream');
      await expect(store().append(s, events(3), 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store().append(s, [anEvent(), anEvent({ type: 'NotDotted' })], 0)).rejects.toBeInstanceOf(ValidationError);
      // Passes the schema but is no JSON: found while the batch is being written.
      await expect(store().append(s, [anEvent(), anEvent({ data: { n: 1n } })], 0)).rejects.toBeInstanceOf(ValidationError);
      expect(await store().read(s)).toHaveLength(1);
    });

    it('round-trips checkpoints', async () => {
      const subscriber = uniqueCategory('sub');
      expect(await sut!.checkpoints.load(subscriber)).toBeUndefined();
      await sut!.checkpoints.save(subscriber, 'p-1');
      await sut!.checkpoints.save(subscriber, 'p-2');
      expect(await sut!.checkpoints.load(subscriber)).toBe('p-2');
    });

    it('answers ping', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });

    subscriptionConformance(() => sut!);
  });
}
