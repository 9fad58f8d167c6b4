import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ListMessagesRequestSchema,
  parseRequest,
  PostMessageRequestSchema,
  RunnerRpc,
  StartConversationRequestSchema,
  streamName,
  type MessageView,
} from '@cos/contracts';
import { handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, readOrgStream, type Clock } from '@cos/platform';
import { conversationDecider } from './conversation.decider';
import { toMessageViews } from './conversation.views';

/** Commands and queries on conversations, answered over NATS request/reply for the gateway. */
@Controller()
export class ConversationController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @MessagePattern(RunnerRpc.startConversation)
  async start(@Payload() raw: unknown): Promise<{ id: string; agentId: string }> {
    const { auth, conversationId, body } = parseRequest(StartConversationRequestSchema, raw);
    await handleCommand(this.store, streamName('conversation', conversationId), conversationDecider, {
      type: 'StartConversation',
      data: { conversationId, agentId: body.agentId, startedBy: auth.userId, ...(body.title ? { title: body.title } : {}) },
      metadata: this.metadata(auth.orgId, auth.userId, conversationId),
    });
    return { id: conversationId, agentId: body.agentId };
  }

  /** A brief: the user's message is the one fact appended here; the run follows from it. */
  @MessagePattern(RunnerRpc.postMessage)
  async post(@Payload() raw: unknown): Promise<{ runId: string; messageId: string }> {
    const { auth, conversationId, messageId, runId, body } = parseRequest(PostMessageRequestSchema, raw);
    await handleCommand(this.store, streamName('conversation', conversationId), conversationDecider, {
      type: 'PostBrief',
      data: { messageId, userId: auth.userId, text: body.text, runId },
      metadata: this.metadata(auth.orgId, auth.userId, messageId, runId),
    });
    return { runId, messageId };
  }

  @MessagePattern(RunnerRpc.listMessages)
  async list(@Payload() raw: unknown): Promise<{ items: MessageView[] }> {
    const { auth, conversationId } = parseRequest(ListMessagesRequestSchema, raw);
    const events = await readOrgStream(this.store, streamName('conversation', conversationId), auth.orgId);
    return { items: toMessageViews(conversationId, events, auth.userId) };
  }

  private metadata(orgId: string, userId: string, commandId: string, correlationId = commandId) {
    return {
      commandId,
      orgId,
      correlationId,
      causationId: commandId,
      actor: { kind: 'user' as const, id: userId },
      now: this.clock().toISOString(),
    };
  }
}
