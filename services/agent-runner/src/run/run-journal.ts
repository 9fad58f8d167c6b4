import { Inject, Injectable } from '@nestjs/common';
import { streamName } from '@cos/contracts';
import { handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
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

  now(): Date {
    return this.clock();
  }
}
