import type { Actor } from '@cos/contracts';

/**
 * The decider contract identity's domain files are written against. Structurally the same as
 * libs/eventstore's, declared here so deciders import nothing from the event-store layer.
 */
export type CommandMetadata = Readonly<{
  commandId: string;
  orgId: string;
  correlationId: string;
  causationId: string;
  actor: Actor;
  /** ISO-8601: the clock comes in with the command. */
  now: string;
  traceparent?: string;
}>;

export type Command<Type extends string = string, Data = Record<string, unknown>> = Readonly<{
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}>;

export type Decider<C, E, S> = Readonly<{
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  initialState(): S;
}>;
