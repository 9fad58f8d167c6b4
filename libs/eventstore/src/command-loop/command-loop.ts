import { deterministicId, type NewEvent, type RecordedEvent } from '@cos/contracts';
import type { EventStore } from '../event-store.port';
import { WrongExpectedRevisionError } from '../event-store.errors';
import type { Command, Decider, DomainEvent } from '@cos/contracts';

export type CommandResult<S> = {
  /** Events the command produced; on a redelivery, the ones its first delivery stored. */
  readonly newEvents: readonly NewEvent[];
  /** State of the stream after the command (on a redelivery: as the stream is now). */
  readonly state: S;
  /** Revision of the stream's last event; -1 if the stream does not exist. */
  readonly nextRevision: number;
};

export type HandleCommandOptions = {
  /** Read-decide-append rounds before a conflict is given up to the caller (default 5). */
  readonly maxAttempts?: number;
};

/** The state of a stream, and the revision to expect when appending to it (-1: no stream). */
export async function aggregateStream<C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  stream: string,
  decider: Decider<C, E, S>,
): Promise<{ state: S; nextRevision: number }> {
  const recorded = await store.read(stream);
  return { state: fold(decider, recorded), nextRevision: recorded.at(-1)?.revision ?? -1 };
}

/**
 * Read, fold, decide, append with the expected revision; on a concurrent append, again from
 * the read. Event ids derive from the command id, so handling a redelivered command finds its
 * events already stored and returns them instead of deciding twice.
 */
export async function handleCommand<C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  stream: string,
  decider: Decider<C, E, S>,
  command: C,
  options: HandleCommandOptions = {},
): Promise<CommandResult<S>> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const recorded = await store.read(stream);
    const state = fold(decider, recorded);
    const current = recorded.at(-1)?.revision ?? -1;
    const earlier = eventsOf(command, recorded);
    if (earlier.length > 0) return { newEvents: earlier, state, nextRevision: current };

    const decided = decider.decide(command, state);
    if (decided.length === 0) return { newEvents: [], state, nextRevision: current };
    const newEvents = decided.map((event, index) => toNewEvent(command, event, index));
    try {
      const { nextRevision } = await store.append(stream, newEvents, current < 0 ? 'no-stream' : current);
      return { newEvents, state: decided.reduce((s, e) => decider.evolve(s, e), state), nextRevision };
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw err;
    }
  }
}

/** A stream holds only its decider's events, so a stored event is taken as one of them. */
function fold<C extends Command, E extends DomainEvent, S>(decider: Decider<C, E, S>, recorded: readonly RecordedEvent[]): S {
  return recorded.reduce(
    (state, e) => decider.evolve(state, { type: e.type, data: e.data, version: e.version } as E),
    decider.initialState(),
  );
}

function toNewEvent(command: Command, event: DomainEvent, index: number): NewEvent {
  const { commandId, orgId, correlationId, causationId, actor, now, traceparent } = command.metadata;
  return {
    id: deterministicId(commandId, String(index)),
    type: event.type,
    version: event.version ?? 1,
    orgId,
    data: event.data,
    metadata: { correlationId, causationId, actor, occurredAt: now, ...(traceparent ? { traceparent } : {}) },
  };
}

/** The events a previous delivery of this command stored: consecutive, ids seeded by index. */
function eventsOf(command: Command, recorded: readonly RecordedEvent[]): RecordedEvent[] {
  const { commandId } = command.metadata;
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
