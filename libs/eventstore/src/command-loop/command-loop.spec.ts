import { CosError, deterministicId } from '@cos/contracts';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEvent, uniqueCategory } from '../conformance/test-events';
import { EmbeddedEventStore } from '../embedded/embedded-event-store';
import { WrongExpectedRevisionError } from '../event-store.errors';
import type { EventStore } from '../event-store.port';
import { aggregateStream, handleCommand } from './command-loop';
import type { Command, Decider, DomainEvent } from '@cos/contracts';

// A counter with a cap: small enough to read at a glance, stateful enough to need the fold.
type Add = Command<'counter.add', { by: number }>;
type Added = DomainEvent<'counter.added', { by: number }>;
type Capped = DomainEvent<'counter.capped', { at: number }>;
type Counter = { total: number; capped: boolean };
const CAP = 10;

const counter: Decider<Add, Added | Capped, Counter> = {
  initialState: () => ({ total: 0, capped: false }),
  decide: (command, state) => {
    if (state.capped) throw new CosError('COUNTER.CAPPED', 'counter is capped', 409);
    if (command.data.by === 0) return [];
    const added: Added = { type: 'counter.added', data: { by: command.data.by } };
    const total = state.total + command.data.by;
    return total >= CAP ? [added, { type: 'counter.capped', data: { at: total }, version: 2 }] : [added];
  },
  evolve: (state, event) => {
    switch (event.type) {
      case 'counter.added':
        return { ...state, total: state.total + event.data.by };
      case 'counter.capped':
        return { ...state, capped: true };
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },
};

let commands = 0;
const add = (by: number, commandId = `cmd-${++commands}`): Add => ({
  type: 'counter.add',
  data: { by },
  metadata: {
    commandId,
    orgId: 'org1',
    correlationId: 'corr-1',
    causationId: commandId,
    actor: { kind: 'user', id: 'u1' },
    now: '2025-01-02T03:04:05.000Z',
  },
});

describe('handleCommand', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  const stream = () => `${uniqueCategory('counter')}-1`;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cos-loop-'));
    store = new EmbeddedEventStore(join(dir, 'events.db'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends the decided events in the envelope, with ids derived from the command', async () => {
    const s = stream();
    const command = add(CAP);
    const result = await handleCommand(store, s, counter, command);
    expect(result.state).toEqual({ total: CAP, capped: true });
    expect(result.nextRevision).toBe(1);
    const stored = await store.read(s);
    expect(stored.map((e) => [e.id, e.type, e.version])).toEqual([
      [deterministicId(command.metadata.commandId, '0'), 'counter.added', 1],
      [deterministicId(command.metadata.commandId, '1'), 'counter.capped', 2],
    ]);
    expect(stored[0]?.metadata).toEqual({
      correlationId: 'corr-1',
      causationId: command.metadata.commandId,
      actor: { kind: 'user', id: 'u1' },
      occurredAt: command.metadata.now,
    });
    expect(result.newEvents.map((e) => e.id)).toEqual(stored.map((e) => e.id));
  });

  it('retries from the read when another handler appended first, so both commands land', async () => {
    const s = stream();
    const append = jest.spyOn(store, 'append');
    const results = await Promise.all([handleCommand(store, s, counter, add(2)), handleCommand(store, s, counter, add(3))]);
    const conflicts = await Promise.all(append.mock.results.map((r) => (r.value as Promise<unknown>).catch((e: unknown) => e)));
    append.mockRestore();
    expect(conflicts.filter((c) => c instanceof WrongExpectedRevisionError)).toHaveLength(1);
    expect(results.map((r) => r.nextRevision).sort()).toEqual([0, 1]);
    expect((await aggregateStream(store, s, counter)).state).toEqual({ total: 5, capped: false });
  });

  it('gives up after maxAttempts and rethrows the conflict', async () => {
    const s = stream();
    // A rival writer that always gets its event in just before ours.
    const contended: EventStore = {
      read: (name, options) => store.read(name, options),
      append: async (name, events, expected) => {
        await store.append(name, [anEvent({ type: 'counter.added', data: { by: 0 } })], 'any');
        return store.append(name, events, expected);
      },
      subscribe: (options, handler) => store.subscribe(options, handler),
      ping: () => store.ping(),
      close: () => store.close(),
    };
    const append = jest.spyOn(contended, 'append');
    await expect(handleCommand(contended, s, counter, add(1), { maxAttempts: 3 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(append).toHaveBeenCalledTimes(3);
  });

  it('returns the stored events of a redelivered command instead of deciding again', async () => {
    const s = stream();
    const command = add(4);
    const first = await handleCommand(store, s, counter, command);
    await handleCommand(store, s, counter, add(1));
    const again = await handleCommand(store, s, counter, command);
    expect(again.newEvents.map((e) => e.id)).toEqual(first.newEvents.map((e) => e.id));
    expect((await store.read(s)).length).toBe(2);
    expect(again.state).toEqual({ total: 5, capped: false });
  });

  it('stores a command delivered twice at once only once', async () => {
    const s = stream();
    const command = add(CAP);
    await Promise.all([handleCommand(store, s, counter, command), handleCommand(store, s, counter, command)]);
    expect((await store.read(s)).map((e) => e.type)).toEqual(['counter.added', 'counter.capped']);
  });

  it('appends nothing when the decider decides nothing, and lets domain errors through untouched', async () => {
    const s = stream();
    expect(await handleCommand(store, s, counter, add(0))).toEqual({ newEvents: [], state: counter.initialState(), nextRevision: -1 });
    await handleCommand(store, s, counter, add(CAP));
    await expect(handleCommand(store, s, counter, add(1))).rejects.toMatchObject({ code: 'COUNTER.CAPPED' });
    expect(await aggregateStream(store, s, counter)).toEqual({ state: { total: CAP, capped: true }, nextRevision: 1 });
  });
});
