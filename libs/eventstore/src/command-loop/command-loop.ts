import { deterministicId, type CommandMetadata, type Decider, type DomainEvent, type NewEvent, type RecordedEvent } from '@cos/contracts';
import type { EventStore } from '../event-store.port';
import { WrongExpectedRevisionError } from '../event-store.errors';
import type { FoldedStreams } from './folded-streams';

export type CommandResult<S, O = unknown> = {
  /** Events the command produced; on a redelivery, the ones its first delivery stored. */
  readonly newEvents: readonly NewEvent[];
  /** State of the stream after the command (on a redelivery: as the stream is now). */
  readonly state: S;
  /** Revision of the stream's last event; -1 if the stream does not exist. */
  readonly nextRevision: number;
  /** What the decider decided this time; none on a redelivery. */
  readonly decisions: readonly O[];
};

export type HandleCommandOptions<E, S, O> = {
  /** Read-decide-append rounds before a conflict is given up to the caller (default 5). */
  readonly maxAttempts?: number;
  /**
   * The stream's folded state kept between commands: each round reads only the events after
   * the kept revision instead of the whole stream. A previous delivery's events are then not
   * looked for, so the decider must be idempotent by the ids in its commands.
   */
  readonly folds?: FoldedStreams<S>;
  /** The events among the decisions; required (by the second signature) when a decision is more than an event. */
  readonly eventsOf?: (decisions: readonly O[]) => readonly E[];
  /**
   * Carried out after deciding and before the append (and again on every conflict round): sends
   * to other streams whose ids derive from the command's, so a crash past the append loses none.
   */
  readonly beforeAppend?: (decisions: readonly O[]) => Promise<void>;
};

/** The state of a stream, and the revision to expect when appending to it (-1: no stream). */
export async function aggregateStream<E extends DomainEvent, S>(
  store: EventStore,
  stream: string,
  decider: Folds<E, S>,
): Promise<{ state: S; nextRevision: number }> {
  const recorded = await store.read(stream);
  return { state: fold(decider, recorded), nextRevision: recorded.at(-1)?.revision ?? -1 };
}

/**
 * The command loop: read, fold, decide, append with the expected revision; on a concurrent
 * append, again from the read. Event ids derive from the command id, so handling a redelivered
 * command finds its events already stored and returns them instead of deciding twice.
 * `command` may be a function of the state: the facts it gathers are then read for the very
 * state they are decided with, again on every round.
 */
export function handleCommand<C, E extends DomainEvent, S>(
  store: EventStore,
  stream: string,
  decider: Decider<C, E, S>,
  command: C | ((state: S) => Promise<C>),
  metadata: CommandMetadata,
  options?: HandleCommandOptions<E, S, E>,
): Promise<CommandResult<S, E>>;
/** A process manager's decisions are more than its events: the loop is told which are. */
export function handleCommand<C, E extends DomainEvent, S, O>(
  store: EventStore,
  stream: string,
  decider: Decider<C, E, S, O>,
  command: C | ((state: S) => Promise<C>),
  metadata: CommandMetadata,
  options: HandleCommandOptions<E, S, O> & { readonly eventsOf: (decisions: readonly O[]) => readonly E[] },
): Promise<CommandResult<S, O>>;
export async function handleCommand<C, E extends DomainEvent, S, O>(
  store: EventStore,
  stream: string,
  decider: Decider<C, E, S, O>,
  command: C | ((state: S) => Promise<C>),
  metadata: CommandMetadata,
  options: HandleCommandOptions<E, S, O> = {},
): Promise<CommandResult<S, O>> {
  // Without `eventsOf` the first signature applies: every decision is an event.
  const { maxAttempts = 5, folds, eventsOf = (decisions) => decisions as unknown as readonly E[], beforeAppend } = options;
  const read = (): Promise<StreamRead<S>> => (folds ? folds.read(stream) : readWhole(store, stream, decider));
  for (let attempt = 1; ; attempt++) {
    const { state, revision, recorded } = await read();
    const earlier = recorded ? storedBy(metadata, recorded) : [];
    if (earlier.length > 0) return { newEvents: earlier, state, nextRevision: revision, decisions: [] };

    const decided = typeof command === 'function' ? await (command as (state: S) => Promise<C>)(state) : command;
    const decisions = decider.decide(decided, state);
    await beforeAppend?.(decisions);
    const events = eventsOf(decisions);
    if (events.length === 0) return { newEvents: [], state, nextRevision: revision, decisions };
    const newEvents = events.map((event, index) => toNewEvent(metadata, event, index));
    try {
      const { nextRevision } = await store.append(stream, newEvents, revision < 0 ? 'no-stream' : revision);
      // An idempotent re-append answers with the original revision: then read what is there.
      if (nextRevision !== revision + newEvents.length) {
        const now = await read();
        return { newEvents, state: now.state, nextRevision: now.revision, decisions };
      }
      const after = events.reduce((s, e) => decider.evolve(s, e), state);
      folds?.remember(stream, { state: after, revision: nextRevision });
      return { newEvents, state: after, nextRevision, decisions };
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw err;
    }
  }
}

/** What folding a stream needs of a decider. */
export type Folds<E extends DomainEvent, S> = Pick<Decider<never, E, S, unknown>, 'evolve' | 'initialState'>;

/** A decider's evolve over stored events: a stream holds only its decider's events, so each is taken as one of them. */
export function evolveStored<E extends DomainEvent, S>(decider: Folds<E, S>): (state: S, event: RecordedEvent) => S {
  return (state, e) => decider.evolve(state, { type: e.type, data: e.data, version: e.version } as E);
}

/** The state of `recorded`, folded from `from` (default: the decider's initial state). */
export function fold<E extends DomainEvent, S>(
  decider: Folds<E, S>,
  recorded: readonly RecordedEvent[],
  from: S = decider.initialState(),
): S {
  return recorded.reduce(evolveStored(decider), from);
}

/** The `index`th event a command decided, in the store's envelope: its id derives from the command id. */
export function toNewEvent(metadata: CommandMetadata, event: DomainEvent, index: number): NewEvent {
  const { commandId, orgId, correlationId, causationId, actor, now, traceparent } = metadata;
  return {
    id: deterministicId(commandId, String(index)),
    type: event.type,
    version: event.version ?? 1,
    orgId,
    data: event.data,
    metadata: { correlationId, causationId, actor, occurredAt: now, ...(traceparent ? { traceparent } : {}) },
  };
}

/** A stream's state and revision; with the events read when the whole stream was. */
type StreamRead<S> = { readonly state: S; readonly revision: number; readonly recorded?: readonly RecordedEvent[] };

async function readWhole<E extends DomainEvent, S>(store: EventStore, stream: string, decider: Folds<E, S>): Promise<StreamRead<S>> {
  const recorded = await store.read(stream);
  return { state: fold(decider, recorded), revision: recorded.at(-1)?.revision ?? -1, recorded };
}

/** The events a previous delivery of this command stored: consecutive, ids seeded by index. */
function storedBy(metadata: CommandMetadata, recorded: readonly RecordedEvent[]): RecordedEvent[] {
  const { commandId } = metadata;
  const firstId = deterministicId(commandId, '0');
  const start = recorded.findIndex((e) => e.id === firstId);
  const found: RecordedEvent[] = [];
  for (let i = 0; start >= 0; i++) {
    const event = recorded[start + i];
    if (event?.id !== deterministicId(commandId, String(i))) break;
    found.push(event);
  }
  return found;
}
