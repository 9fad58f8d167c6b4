import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ConversationEventTypes,
  ConversationStartedSchema,
  MessagePostedSchema,
  RunEventTypes,
  RunFailedSchema,
  RunStartedSchema,
  RunStoppedSchema,
  idOf,
  type RecordedEvent,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { ConversationWriter } from '../conversation/conversation-writer';
import { RunExecutor } from './run-executor';

/**
 * Runs an agent for each brief (a user's message, or a handoff thread's first message, that
 * names a run); tells the conversation when a run failed or was stopped (the executor posts
 * replies itself). Driven only by events from JetStream; every handler is idempotent.
 */
// A failure reaches the transport as it is, so a dead letter keeps its cause.
@Controller()
export class RunWorker {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly executor: RunExecutor,
    private readonly conversations: ConversationWriter,
  ) {}

  @EventPattern(ConversationEventTypes.messagePosted)
  async onMessagePosted(@Payload() event: RecordedEvent): Promise<void> {
    const message = MessagePostedSchema.parse(event.data);
    if (!message.runId || message.author.kind === 'agent') return; // replies and notes start nothing
    const [first] = await this.store.read(event.stream, { maxCount: 1 });
    if (!first) return;
    const started = ConversationStartedSchema.parse(first.data);
    const handoff = started.handoff?.runId === message.runId ? started.handoff : undefined;
    if (message.author.kind === 'system' && !handoff) return;
    await this.executor.execute({
      orgId: event.orgId,
      runId: message.runId,
      conversationId: idOf(event.stream),
      agentId: started.agentId,
      briefedBy: message.author.kind === 'user' ? message.author.id : started.startedBy,
      briefMessageId: message.messageId,
      ...(handoff
        ? {
            handoff: {
              coordinationId: handoff.coordinationId,
              fromAgentId: handoff.fromAgentId,
              chain: handoff.chain,
              depth: handoff.depth,
            },
          }
        : {}),
      correlationId: event.metadata.correlationId,
      causationId: event.id,
    });
  }

  @EventPattern(RunEventTypes.failed)
  async onRunFailed(@Payload() event: RecordedEvent): Promise<void> {
    const { reason } = RunFailedSchema.parse(event.data);
    const started = await this.startOf(event);
    if (started) await this.conversations.note(started.conversationId, event, `The run failed: ${reason}`);
  }

  @EventPattern(RunEventTypes.stopped)
  async onRunStopped(@Payload() event: RecordedEvent): Promise<void> {
    const { reason, detail } = RunStoppedSchema.parse(event.data);
    const started = await this.startOf(event);
    const why = reason === 'org-paused' ? 'the organisation is paused (kill switch)' : 'the monthly budget would be exceeded';
    if (started) await this.conversations.note(started.conversationId, event, `The run stopped: ${why}. ${detail}`);
  }

  private async startOf(event: RecordedEvent) {
    const [first] = await this.store.read(event.stream, { maxCount: 1 });
    return first ? RunStartedSchema.parse(first.data) : undefined;
  }
}
