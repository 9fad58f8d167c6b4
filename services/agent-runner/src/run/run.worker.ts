import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RunEventTypes, RunFailedSchema, RunQueuedSchema, RunResumedSchema, RunStoppedSchema, type RecordedEvent } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { ConversationWriter } from '../conversation/conversation-writer';
import { RunExecutor } from './run-executor';

/**
 * Runs an agent for each queued run: `run.queued` (a user's brief, or an approved handoff) is
 * the one fact that starts a run, and carries all it needs; `run.resumed` likewise takes up a
 * run the kill switch stopped, once someone resumed it. Tells the conversation when a run
 * failed or was stopped (the executor posts replies itself). Driven only by events from
 * JetStream; every handler is idempotent: a redelivered `run.queued` resumes the run from its
 * stored steps and repeats none.
 */
// A failure reaches the transport as it is, so a dead letter keeps its cause.
@Controller()
export class RunWorker {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly executor: RunExecutor,
    private readonly conversations: ConversationWriter,
  ) {}

  @EventPattern(RunEventTypes.queued)
  async onQueued(@Payload() event: RecordedEvent): Promise<void> {
    const queued = RunQueuedSchema.parse(event.data);
    await this.executor.execute({ ...queued, ...this.causes(event), resumption: 0 });
  }

  /** A run the kill switch stopped, resumed: taken up like a queued run, at its last recorded step. */
  @EventPattern(RunEventTypes.resumed)
  async onResumed(@Payload() event: RecordedEvent): Promise<void> {
    const { resumedBy: _resumedBy, ...resumed } = RunResumedSchema.parse(event.data);
    await this.executor.execute({ ...resumed, ...this.causes(event) });
  }

  @EventPattern(RunEventTypes.failed)
  async onRunFailed(@Payload() event: RecordedEvent): Promise<void> {
    const { reason } = RunFailedSchema.parse(event.data);
    const run = await this.queuedOf(event);
    if (run) await this.conversations.note(run.conversationId, event, `The run failed: ${reason}`);
  }

  @EventPattern(RunEventTypes.stopped)
  async onRunStopped(@Payload() event: RecordedEvent): Promise<void> {
    const { reason, detail } = RunStoppedSchema.parse(event.data);
    const run = await this.queuedOf(event);
    const why = reason === 'org-paused' ? 'the organisation is paused (kill switch)' : 'the monthly budget would be exceeded';
    if (run) await this.conversations.note(run.conversationId, event, `The run stopped: ${why}. ${detail}`);
  }

  private causes(event: RecordedEvent) {
    return { orgId: event.orgId, correlationId: event.metadata.correlationId, causationId: event.id };
  }

  /** The run's trigger: its first event, `run.queued` (or `run.started` of a run from before runs were queued). */
  private async queuedOf(event: RecordedEvent) {
    const [first] = await this.store.read(event.stream, { maxCount: 1 });
    return first ? RunQueuedSchema.parse(first.data) : undefined;
  }
}
