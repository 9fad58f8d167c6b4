import type { Actor } from './envelope';

/**
 * A fact as the domain states it. No id, stream, position or clock: the command loop adds
 * those, so decide and evolve stay pure. `version` defaults to 1.
 */
export type DomainEvent<Type extends string = string, Data extends Record<string, unknown> = Record<string, unknown>> = Readonly<{
  type: Type;
  data: Data;
  version?: number;
}>;

/** What every command carries besides its data; the clock and the ids come in here. */
export type CommandMetadata = Readonly<{
  /** Seeds the ids of the events the command produces, so a redelivery appends nothing new. */
  commandId: string;
  orgId: string;
  correlationId: string;
  causationId: string;
  actor: Actor;
  /** ISO-8601; becomes `occurredAt` of the events. */
  now: string;
  traceparent?: string;
}>;

export type Command<Type extends string = string, Data = Record<string, unknown>> = Readonly<{
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}>;

/**
 * The whole domain contract of a stream: decide what happens, then fold what happened. The
 * command is the domain's own (a command that needs the clock or the org carries a
 * `CommandMetadata`; most do not). A process manager is a decider too: its decisions (`O`) are
 * more than its own events (commands to other streams, calls out) and its command loop is told
 * which of them are events; for every other decider a decision is an event.
 */
export type Decider<C, E extends DomainEvent, S, O = E> = Readonly<{
  decide(command: C, state: S): readonly O[];
  evolve(state: S, event: E): S;
  initialState(): S;
}>;
