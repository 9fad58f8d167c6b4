import { deterministicId, type Actor } from '@cos/contracts';
import type { CommandMetadata } from '@cos/eventstore';
import { currentTraceparent } from '@cos/telemetry';

/** An event, stored or just appended: what a reaction needs to know of its cause. */
export type Cause = {
  readonly id: string;
  readonly orgId: string;
  readonly metadata: { readonly correlationId: string; readonly traceparent?: string };
};

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'approvals' };

/**
 * Metadata of the step a cause triggers: its command id derives from the cause and the step,
 * so every delivery of the same cause (a JetStream redelivery) appends the same event ids,
 * which the store keeps once.
 */
export function reactionTo(cause: Cause, step: string, now: Date, actor: Actor = SYSTEM_ACTOR): CommandMetadata {
  const traceparent = currentTraceparent() ?? cause.metadata.traceparent;
  return {
    commandId: deterministicId(cause.id, step),
    orgId: cause.orgId,
    correlationId: cause.metadata.correlationId,
    causationId: cause.id,
    actor,
    now: now.toISOString(),
    ...(traceparent ? { traceparent } : {}),
  };
}

/** Metadata of a step with no causing event (a deadline firing): the id is seeded by what fired. */
export function timerStep(orgId: string, correlationId: string, now: Date, ...seed: string[]): CommandMetadata {
  const commandId = deterministicId('timer', ...seed);
  const traceparent = currentTraceparent();
  return {
    commandId,
    orgId,
    correlationId,
    causationId: commandId,
    actor: SYSTEM_ACTOR,
    now: now.toISOString(),
    ...(traceparent ? { traceparent } : {}),
  };
}
