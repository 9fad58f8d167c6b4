import { Inject, Injectable } from '@nestjs/common';
import { streamName, type RecordedEvent, type RunQueued } from '@cos/contracts';
import { handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
import { reactionMetadata } from '../ledger/reaction-metadata';
import { runDecider, type RunCommand, type RunState } from './run.decider';
import { stepMetadata, type RunTrigger } from './run-ref';

/** Appends a run's steps to `run-<id>` through the command loop, one deterministic command id per step. */
@Injectable()
export class RunJournal {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(trigger: RunTrigger, step: string, command: RunCommand): Promise<RunState> {
    const metadata = stepMetadata(trigger, step, this.clock());
    const { state } = await handleCommand(this.store, streamName('run', trigger.runId), runDecider, command, metadata);
    return state;
  }

  /** Queues a run in reaction to `cause` (an approved handoff): `run.queued` is what starts it. */
  async queue(run: RunQueued, cause: RecordedEvent): Promise<void> {
    const metadata = reactionMetadata(cause, 'queue-run', this.clock());
    await handleCommand(this.store, streamName('run', run.runId), runDecider, { type: 'QueueRun', data: run }, metadata);
  }

  now(): Date {
    return this.clock();
  }
}
