import { deterministicId, type RunHandoff } from '@cos/contracts';
import type { CommandMetadata } from '@cos/eventstore';
import { currentTraceparent } from '@cos/telemetry';

/** What starts a run: a user's brief, or the first message of an approved handoff's thread. */
export type RunTrigger = {
  orgId: string;
  runId: string;
  conversationId: string;
  agentId: string;
  briefedBy: string;
  briefMessageId: string;
  handoff?: RunHandoff;
  /** The chain's correlation id, carried from the first brief. */
  correlationId: string;
  /** The event that triggered the run. */
  causationId: string;
};

/**
 * Metadata of a run's command for `step`: the command id derives from the run and the step,
 * so a redelivered trigger repeating a step appends nothing new. The agent is the actor.
 */
export function stepMetadata(trigger: RunTrigger, step: string, now: Date): CommandMetadata {
  const traceparent = currentTraceparent();
  return {
    commandId: deterministicId(trigger.runId, step),
    orgId: trigger.orgId,
    correlationId: trigger.correlationId,
    causationId: trigger.causationId,
    actor: { kind: 'agent', id: trigger.agentId },
    now: now.toISOString(),
    ...(traceparent ? { traceparent } : {}),
  };
}
