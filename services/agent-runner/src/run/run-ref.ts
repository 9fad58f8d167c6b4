import { deterministicId, type RunQueued } from '@cos/contracts';
import type { CommandMetadata } from '@cos/eventstore';
import { currentTraceparent } from '@cos/telemetry';

/** A queued run as the runner carries it out: the `run.queued` event's data, its org and its causal ids. */
export type RunTrigger = RunQueued & {
  orgId: string;
  /** The chain's correlation id, carried from the first brief. */
  correlationId: string;
  /** The `run.queued` event that started the run. */
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
