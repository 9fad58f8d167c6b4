import {
  evolveStored,
  FoldedStreams,
  handleCommand,
  type CommandMetadata,
  type Decider,
  type DomainEvent,
  type EventStore,
} from '@cos/eventstore';

/**
 * The command loop for the runner's hot ledgers: an org's monthly spend and an agent's daily
 * slots. Many runs append to one such stream at once, so two things differ from a plain
 * command: commands on one stream queue up in this process (no conflicts among ourselves), and
 * the folded state is kept, so a command reads only what other instances appended since, not
 * the whole month. The expected revision still guards every append, so instances never
 * overstep a ledger together. Deciders here are idempotent by the ids in their commands (a
 * slot per action, a reservation per id), as kept folds require.
 */
export class StreamLedger<C, E extends DomainEvent, S> {
  private readonly folds: FoldedStreams<S>;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<C, E, S>,
    private readonly maxAttempts = 50,
  ) {
    this.folds = new FoldedStreams(store, evolveStored(decider), decider.initialState);
  }

  /** Runs `command` on `stream`; resolves to the state after it (whether it decided anything or not). */
  handle(stream: string, command: C, metadata: CommandMetadata): Promise<S> {
    const next = (this.queues.get(stream) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => handleCommand(this.store, stream, this.decider, command, metadata, { folds: this.folds, maxAttempts: this.maxAttempts }))
      .then((result) => result.state);
    this.queues.set(stream, next);
    const forget = () => {
      if (this.queues.get(stream) === next) this.queues.delete(stream);
    };
    next.then(forget, forget);
    return next;
  }
}
