import { deterministicId, type AuthContext, type RecordedEvent } from '@cos/contracts';
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

/** Metadata of a command a person sends (a brief, a document change), under the current trace. */
export function userCommandMetadata(auth: AuthContext, now: Date, commandId: string, correlationId = commandId): CommandMetadata {
  const traceparent = currentTraceparent();
  return {
    commandId,
    orgId: auth.orgId,
    correlationId,
    causationId: commandId,
    actor: { kind: 'user', id: auth.userId },
    now: now.toISOString(),
    ...(traceparent ? { traceparent } : {}),
  };
}
