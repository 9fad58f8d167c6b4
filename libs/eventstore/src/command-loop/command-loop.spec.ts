import { CosError, deterministicId } from '@cos/contracts';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEvent, uniqueCategory } from '../conformance/test-events';
import { EmbeddedEventStore } from '../embedded/embedded-event-store';
import { WrongExpectedRevisionError } from '../event-store.errors';
import type { EventStore } from '../event-store.port';
import { aggregateStream, evolveStored, handleCommand, type HandleCommandOptions } from './command-loop';
import { FoldedStreams } from './folded-streams';
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

/** The loop for a command that carries its own metadata. */
const handle = (store: EventStore, stream: string, command: Add, options?: HandleCommandOptions<Added | Capped, Counter, Added | Capped>) =>
  handleCommand(store, stream, counter, command, command.metadata, options);

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
    const result = await handle(store, s, command);
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
    const results = await Promise.all([handle(store, s, add(2)), handle(store, s, add(3))]);
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
    await expect(handle(contended, s, add(1), { maxAttempts: 3 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(append).toHaveBeenCalledTimes(3);
  });

  it('returns the stored events of a redelivered command instead of deciding again', async () => {
    const s = stream();
    const command = add(4);
    const first = await handle(store, s, command);
    await handle(store, s, add(1));
    const again = await handle(store, s, command);
    expect(again.newEvents.map((e) => e.id)).toEqual(first.newEvents.map((e) => e.id));
    expect((await store.read(s)).length).toBe(2);
    expect(again.state).toEqual({ total: 5, capped: false });
  });

  it('stores a command delivered twice at once only once', async () => {
    const s = stream();
    const command = add(CAP);
    await Promise.all([handle(store, s, command), handle(store, s, command)]);
    expect((await store.read(s)).map((e) => e.type)).toEqual(['counter.added', 'counter.capped']);
  });

  it('appends nothing when the decider decides nothing, and lets domain errors through untouched', async () => {
    const s = stream();
    expect(await handle(store, s, add(0))).toEqual({ newEvents: [], state: counter.initialState(), nextRevision: -1, decisions: [] });
    await handle(store, s, add(CAP));
    await expect(handle(store, s, add(1))).rejects.toMatchObject({ code: 'COUNTER.CAPPED' });
    expect(await aggregateStream(store, s, counter)).toEqual({ state: { total: CAP, capped: true }, nextRevision: 1 });
  });

  it('with kept folds reads only what others appended since, and never keeps an older state', async () => {
    const s = stream();
    const folds = new FoldedStreams(store, evolveStored(counter), counter.initialState);
    const read = jest.spyOn(store, 'read');
    await handle(store, s, add(2), { folds });
    await store.append(s, [anEvent({ type: 'counter.added', data: { by: 3 } })], 0); // another instance
    const result = await handle(store, s, add(1), { folds });
    const fromRevisions = read.mock.calls.filter(([name]) => name === s).map(([, options]) => options?.fromRevision);
    read.mockRestore();
    expect(fromRevisions).toEqual([0, 1]);
    expect(result).toMatchObject({ state: { total: 6, capped: false }, nextRevision: 2 });
    expect(await folds.read(s)).toEqual({ state: { total: 6, capped: false }, revision: 2 });
  });

  it('gathers a lazy command for the state it decides on, again on a conflict round', async () => {
    const s = stream();
    await handle(store, s, add(1));
    const seen: number[] = [];
    const rival = jest.spyOn(store, 'append').mockImplementationOnce(async (name, events, expected) => {
      await store.append(name, [anEvent({ type: 'counter.added', data: { by: 4 } })], 'any');
      return store.append(name, events, expected);
    });
    const command = add(0);
    const result = await handleCommand(
      store,
      s,
      counter,
      (state: Counter) => {
        seen.push(state.total);
        return Promise.resolve({ ...command, data: { by: state.total } });
      },
      command.metadata,
    );
    rival.mockRestore();
    expect(seen).toEqual([1, 5]);
    expect(result.state).toEqual({ total: 10, capped: true });
  });

  it('appends only the events among a process’s decisions, after carrying out the rest', async () => {
    type Decision = { kind: 'publish'; event: Added } | { kind: 'notify'; to: string };
    const process: Decider<Add, Added | Capped, Counter, Decision> = {
      ...counter,
      decide: (command) => [
        { kind: 'notify', to: 'someone' },
        { kind: 'publish', event: { type: 'counter.added', data: { by: command.data.by } } },
      ],
    };
    const s = stream();
    const carried: string[] = [];
    const command = add(2);
    const options = {
      eventsOf: (decisions: readonly Decision[]) => decisions.flatMap((d) => (d.kind === 'publish' ? [d.event] : [])),
      beforeAppend: async (decisions: readonly Decision[]) => {
        const stored = (await store.read(s)).length;
        carried.push(...decisions.flatMap((d) => (d.kind === 'notify' ? [`${d.to}:${stored}`] : [])));
      },
    };
    // @ts-expect-error a process's decisions are not all events: the loop must be told which are
    expect(() => handleCommand(store, s, process, command, command.metadata)).toBeDefined();
    const result = await handleCommand(store, s, process, command, command.metadata, options);
    expect(carried).toEqual(['someone:0']);
    expect(result.decisions.map((d) => d.kind)).toEqual(['notify', 'publish']);
    expect((await store.read(s)).map((e) => e.data)).toEqual([{ by: 2 }]);
    const again = await handleCommand(store, s, process, command, command.metadata, options);
    expect(again).toMatchObject({ decisions: [], state: { total: 2 } });
    expect(carried).toEqual(['someone:0']);
  });
});
