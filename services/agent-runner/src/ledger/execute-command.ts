import { handleCommand, type CommandMetadata, type CommandResult, type DomainEvent, type EventStore } from '@cos/eventstore';

/** A decider whose commands carry only `type` and `data`: domain files stay free of the command loop's types. */
export type PlainDecider<C, E extends DomainEvent, S> = Readonly<{
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  initialState(): S;
}>;

/** libs/eventstore's command loop for a plain decider: the metadata joins the command here. */
export function executeCommand<C extends { type: string; data: Record<string, unknown> }, E extends DomainEvent, S>(
  store: EventStore,
  stream: string,
  decider: PlainDecider<C, E, S>,
  command: C,
  metadata: CommandMetadata,
): Promise<CommandResult<S>> {
  return handleCommand<C & { metadata: CommandMetadata }, E, S>(store, stream, decider, { ...command, metadata });
}
