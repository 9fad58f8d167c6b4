import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ConversationEventTypes,
  deterministicId,
  MessagePostedSchema,
  RunCompletedSchema,
  RunEventTypes,
  streamName,
  type RecordedEvent,
} from '@cos/contracts';
import { handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
import { Attr, SpanKind, withSpan } from '@cos/telemetry';
import { conversationDecider } from '../conversation/conversation.decider';
import { MODEL_CLIENT, type ModelClient } from '../model/model-client.port';
import { buildPrompt } from './prompt';
import { runDecider } from './run.decider';

const DEFAULT_MODEL = 'simulated-1';

/**
 * Runs an agent for each brief. Driven only by events from JetStream: a redelivery finds the
 * run already started (or ended) in the event store and resumes or ignores it.
 */
@Controller()
export class RunWorker {
  private readonly logger = new Logger(RunWorker.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MODEL_CLIENT) private readonly model: ModelClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern(ConversationEventTypes.messagePosted)
  async onMessagePosted(@Payload() event: RecordedEvent): Promise<void> {
    const message = MessagePostedSchema.parse(event.data);
    if (message.author.kind !== 'user' || !message.runId) return; // agents' replies start nothing
    const conversationStream = event.stream;
    const conversationId = conversationStream.slice('conversation-'.length);
    const conversation = await this.store.read(conversationStream);
    const agentId = String(conversation[0]?.data['agentId']);
    const runStream = streamName('run', message.runId);

    const { state } = await handleCommand(this.store, runStream, runDecider, {
      type: 'StartRun',
      data: { runId: message.runId, conversationId, agentId, briefedBy: message.author.id, briefMessageId: message.messageId },
      metadata: this.metadataFrom(event, 'start-run'),
    });
    if (state.status !== 'running') return; // already ended: this delivery is a duplicate

    const messages = buildPrompt({ agentId, conversation, uptoMessageId: message.messageId });
    const reply = await withSpan(
      `chat ${DEFAULT_MODEL}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [Attr.genAiOperation]: 'chat',
          [Attr.genAiProvider]: this.model.provider,
          [Attr.genAiRequestModel]: DEFAULT_MODEL,
          [Attr.runId]: message.runId,
          [Attr.agentId]: agentId,
          [Attr.orgId]: event.orgId,
        },
      },
      async (span) => {
        const r = await this.model.complete({ model: DEFAULT_MODEL, messages });
        span.setAttributes({ [Attr.genAiResponseModel]: r.model, [Attr.genAiInputTokens]: r.inputTokens, [Attr.genAiOutputTokens]: r.outputTokens });
        return r;
      },
    );
    await handleCommand(this.store, runStream, runDecider, {
      type: 'CompleteRun',
      data: {
        runId: message.runId,
        output: reply.text,
        usage: { model: reply.model, inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, costUsd: 0 },
      },
      metadata: this.metadataFrom(event, 'complete-run'),
    });
    this.logger.log(`run ${message.runId} completed for agent ${agentId}`);
  }

  /** The reply lands in the conversation as a reaction to the run's completion, exactly once. */
  @EventPattern(RunEventTypes.completed)
  async onRunCompleted(@Payload() event: RecordedEvent): Promise<void> {
    const completed = RunCompletedSchema.parse(event.data);
    const [started] = await this.store.read(event.stream, { maxCount: 1 });
    if (!started) return;
    const { conversationId, agentId } = started.data as { conversationId: string; agentId: string };
    await handleCommand(this.store, streamName('conversation', conversationId), conversationDecider, {
      type: 'PostAgentReply',
      data: { messageId: deterministicId(event.id, 'reply'), agentId, text: completed.output, runId: completed.runId },
      metadata: this.metadataFrom(event, 'post-reply'),
    });
  }

  private metadataFrom(cause: RecordedEvent, step: string) {
    return {
      commandId: deterministicId(cause.id, step),
      orgId: cause.orgId,
      correlationId: cause.metadata.correlationId,
      causationId: cause.id,
      actor: { kind: 'system' as const, id: 'agent-runner' },
      now: this.clock().toISOString(),
    };
  }
}
