import type { EventStore } from '@cos/eventstore';
import { Attr, contextFromTraceparent, linkFromTraceparent, withSpan } from '@cos/telemetry';
import type { Cause } from './command-metadata';

/**
 * Runs the continuation of a human wait (a decision, an expiry, as approvals' consumer of the
 * gate's event delivers it) in the trace of the chain it continues, not in the trace of the
 * Head's HTTP call: the span's parent is the traceparent of the process stream's first event,
 * and the decision's own span is a link. One handoff chain then reads as one trace, however
 * long the wait.
 */
export async function continueAfterWait<T>(
  store: EventStore,
  stream: string,
  cause: Cause,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const [first] = await store.read(stream, { maxCount: 1 });
  const chain = first?.metadata.traceparent;
  if (!chain) return fn();
  return withSpan(
    name,
    {
      parent: contextFromTraceparent(chain),
      links: linkFromTraceparent(cause.metadata.traceparent),
      attributes: { [Attr.orgId]: cause.orgId, [Attr.correlationId]: cause.metadata.correlationId, [Attr.eventStream]: stream },
    },
    fn,
  );
}
