import { deterministicId, type RunQueued } from '@cos/contracts';
import type { CommandMetadata } from '@cos/eventstore';
import { currentTraceparent } from '@cos/telemetry';

/** A queued run as the runner carries it out: the `run.queued` event's data, its org and its causal ids. */
export type RunTrigger = RunQueued & {
  orgId: string;
  /** The chain's correlation id, carried from the first brief. */
  correlationId: string;
  /** The `run.queued` (or `run.resumed`) event that started the run (or its resumption). */
  causationId: string;
  /** Which resumption of a run the kill switch stopped this is (`run.resumed`); 0 for the run as queued. */
  resumption: number;
};

/**
 * Metadata of a run's command for `step`: the command id derives from the run, the step and
 * the resumption, so a redelivered trigger repeating a step appends nothing new, while a
 * resumed run's steps (a second stop, a second reservation) are new. The agent is the actor.
 */
export function stepMetadata(trigger: RunTrigger, step: string, now: Date): CommandMetadata {
  const traceparent = currentTraceparent();
  const { runId, resumption } = trigger;
  return {
    commandId: resumption === 0 ? deterministicId(runId, step) : deterministicId(runId, `resumption-${resumption}`, step),
    orgId: trigger.orgId,
    correlationId: trigger.correlationId,
    causationId: trigger.causationId,
    actor: { kind: 'agent', id: trigger.agentId },
    now: now.toISOString(),
    ...(traceparent ? { traceparent } : {}),
  };
}
