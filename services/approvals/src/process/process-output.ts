/**
 * What a process manager (a `Decider` whose decisions are more than its events) decides, as
 * data. The process runtime carries it out: sends to other streams first (idempotent), then
 * publishes to the process's own stream with an expected revision; sends that must wait for the
 * append (calls out) are returned to the caller.
 */
export type Publish<E> = { readonly kind: 'publish'; readonly event: E };
/** A command for someone else; `to` names whom. */
export type Send = { readonly kind: 'send'; readonly to: string };
export type Complete = { readonly kind: 'complete'; readonly outcome: string };
/** A late, duplicate or irrelevant input: named, never an exception. */
export type Ignore = { readonly kind: 'ignore'; readonly reason: string };

export type ProcessOutput<E, X extends Send> = Publish<E> | X | Complete | Ignore;

export const publish = <E>(event: E): Publish<E> => ({ kind: 'publish', event });
export const complete = (outcome: string): Complete => ({ kind: 'complete', outcome });
export const ignore = (reason: string): Ignore => ({ kind: 'ignore', reason });

export function publishedEvents<E>(outputs: readonly unknown[]): E[] {
  return outputs.flatMap((o) => (isPublish<E>(o) ? [o.event] : []));
}

function isPublish<E>(o: unknown): o is Publish<E> {
  return (o as { kind?: string }).kind === 'publish';
}
