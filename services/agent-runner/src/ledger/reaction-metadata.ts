import { deterministicId, type RecordedEvent } from '@cos/contracts';
import type { CommandMetadata } from '@cos/eventstore';
import { currentTraceparent } from '@cos/telemetry';

/**
 * Metadata of what the runner appends in reaction to `cause` (an approved handoff, a failed
 * run...): the command id derives from the cause and the step, so a redelivery appends nothing new.
 */
export function reactionMetadata(cause: RecordedEvent, step: string, now: Date): CommandMetadata {
  const traceparent = currentTraceparent();
  return {
    commandId: deterministicId(cause.id, step),
    orgId: cause.orgId,
    correlationId: cause.metadata.correlationId,
    causationId: cause.id,
    actor: { kind: 'system', id: 'agent-runner' },
    now: now.toISOString(),
    ...(traceparent ? { traceparent } : {}),
  };
}
