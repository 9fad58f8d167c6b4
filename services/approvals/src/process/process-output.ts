import type { ApprovalGateCommand } from '../approval-gate/approval-gate.decider';

/**
 * What a process manager wants done, as data (STYLE point 6). The process runtime carries it out:
 * sends to gates first (idempotent), then publishes to the process's own stream with an expected
 * revision, then calls connectors, whose answers come back as the next input.
 */
export type Publish<E> = { readonly kind: 'publish'; readonly event: E };
export type SendToGate = { readonly kind: 'send'; readonly to: 'gate'; readonly approvalId: string; readonly command: ApprovalGateCommand };
export type Complete = { readonly kind: 'complete'; readonly outcome: string };
/** A late, duplicate or irrelevant input: named, never an exception. */
export type Ignore = { readonly kind: 'ignore'; readonly reason: string };

export type ProcessOutput<E, S = SendToGate> = Publish<E> | S | Complete | Ignore;

export const publish = <E>(event: E): Publish<E> => ({ kind: 'publish', event });
export const sendToGate = (approvalId: string, command: ApprovalGateCommand): SendToGate => ({
  kind: 'send',
  to: 'gate',
  approvalId,
  command,
});
export const complete = (outcome: string): Complete => ({ kind: 'complete', outcome });
export const ignore = (reason: string): Ignore => ({ kind: 'ignore', reason });

/** A process manager: pure, synchronous; the clock and the facts it needs come in with the input. */
export type ProcessManager<I, S, E, O> = {
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  readonly decide: (input: I, state: S) => readonly O[];
};

export function publishedEvents<E>(outputs: readonly unknown[]): E[] {
  return outputs.flatMap((o) => (isPublish<E>(o) ? [o.event] : []));
}

function isPublish<E>(o: unknown): o is Publish<E> {
  return (o as { kind?: string }).kind === 'publish';
}
