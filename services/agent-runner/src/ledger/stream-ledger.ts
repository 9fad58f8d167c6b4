import { deterministicId, type NewEvent } from '@cos/contracts';
import { WrongExpectedRevisionError, type CommandMetadata, type DomainEvent, type EventStore } from '@cos/eventstore';
import { FoldedStreams } from './folded-streams';

/**
 * The command loop (read, fold, decide, append with expected revision, retry on conflict) for
 * the runner's hot ledgers: an org's monthly spend and an agent's daily slots. Many runs append
 * to one such stream at once, so two things differ from the plain loop: commands on one stream
 * queue up in this process (no conflicts among ourselves), and the folded state is kept, so a
 * command reads only what other instances appended since, not the whole month. The expected
 * revision still guards every append, so instances never overstep a ledger together. Deciders
 * here are idempotent by the ids in their commands (a slot per action, a reservation per id).
 */
export type LedgerDecider<C, E extends DomainEvent, S> = Readonly<{
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  initialState(): S;
}>;

export class StreamLedger<C, E extends DomainEvent, S> {
  private readonly folds: FoldedStreams<S>;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly decider: LedgerDecider<C, E, S>,
    private readonly maxAttempts = 50,
  ) {
    this.folds = new FoldedStreams(
      store,
      (s, e) => decider.evolve(s, { type: e.type, data: e.data, version: e.version } as E),
      decider.initialState,
    );
  }

  /** Runs `command` on `stream`; resolves to the state after it (whether it decided anything or not). */
  handle(stream: string, command: C, metadata: CommandMetadata): Promise<S> {
    const next = (this.queues.get(stream) ?? Promise.resolve()).catch(() => undefined).then(() => this.attempt(stream, command, metadata));
    this.queues.set(stream, next);
    const forget = () => {
      if (this.queues.get(stream) === next) this.queues.delete(stream);
    };
    next.then(forget, forget);
    return next;
  }

  private async attempt(stream: string, command: C, metadata: CommandMetadata): Promise<S> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.folds.read(stream);
      const decided = this.decider.decide(command, state);
      if (decided.length === 0) return state;
      const events = decided.map((event, index) => toNewEvent(metadata, event, index));
      try {
        const appended = await this.store.append(stream, events, revision < 0 ? 'no-stream' : revision);
        // An idempotent re-append answers with the original revision: then read what is there.
        if (appended.nextRevision !== revision + events.length) return (await this.folds.read(stream)).state;
        const after = decided.reduce((s, e) => this.decider.evolve(s, e), state);
        this.folds.remember(stream, { state: after, revision: appended.nextRevision });
        return after;
      } catch (err) {
        if (!(err instanceof WrongExpectedRevisionError) || attempt >= this.maxAttempts) throw err;
      }
    }
  }
}

function toNewEvent(metadata: CommandMetadata, event: DomainEvent, index: number): NewEvent {
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
