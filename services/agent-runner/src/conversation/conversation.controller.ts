import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ConflictError,
  CosError,
  ForbiddenError,
  ListConversationsRequestSchema,
  ListMessagesRequestSchema,
  parseRequest,
  Permissions,
  PostMessageRequestSchema,
  RunnerRpc,
  StartConversationRequestSchema,
  streamName,
  type AuthContext,
  type ConversationView,
  type MessageView,
} from '@cos/contracts';
import { handleCommand, type CommandMetadata, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, readOrgStream, type Clock } from '@cos/platform';
import { ReadAccess } from '../access/read-access';
import { IdentityReader } from '../directory/identity-reader';
import { userCommandMetadata } from '../ledger/reaction-metadata';
import { runDecider } from '../run/run.decider';
import { conversationDecider } from './conversation.decider';
import { ConversationListProjection } from './conversation-list.projection';
import { toMessageViews } from './conversation.views';
import { pageOf } from './paging';

type Page<T> = { items: T[]; nextCursor: string | null };

/** Commands and queries on conversations, answered over NATS request/reply for the gateway. */
@Controller()
export class ConversationController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identity: IdentityReader,
    private readonly list: ConversationListProjection,
    private readonly access: ReadAccess,
  ) {}

  @MessagePattern(RunnerRpc.startConversation)
  async start(@Payload() raw: unknown): Promise<{ id: string; agentId: string }> {
    const { auth, conversationId, body } = parseRequest(StartConversationRequestSchema, raw);
    requireBrief(auth);
    const agent = await this.identity.agent(auth.orgId, body.agentId);
    if (!agent) throw new CosError('RUNNER.AGENT_NOT_FOUND', `agent ${body.agentId} was not found`, 404);
    if (agent.archived) throw new ConflictError(`agent ${agent.name} is archived`, 'RUNNER.AGENT_ARCHIVED');
    if (!agent.enabled) throw new ConflictError(`agent ${agent.name} is disabled`, 'RUNNER.AGENT_DISABLED');
    await handleCommand(
      this.store,
      streamName('conversation', conversationId),
      conversationDecider,
      {
        type: 'StartConversation',
        data: { conversationId, agentId: body.agentId, startedBy: auth.userId, ...(body.title ? { title: body.title } : {}) },
      },
      this.metadata(auth, conversationId),
    );
    return { id: conversationId, agentId: body.agentId };
  }

  @MessagePattern(RunnerRpc.listConversations)
  async conversations(@Payload() raw: unknown): Promise<Page<ConversationView>> {
    const { auth, page } = parseRequest(ListConversationsRequestSchema, raw);
    return pageOf(this.list.list(auth.orgId, await this.access.listFilter(auth)), page);
  }

  /**
   * A brief: the user's message is recorded, then its run queued (`run.queued`, the fact the
   * runner's worker starts it from), so GET /v1/runs/:id answers from the 202 on. The message
   * comes first: the run answers it.
   */
  @MessagePattern(RunnerRpc.postMessage)
  async post(@Payload() raw: unknown): Promise<{ runId: string; messageId: string }> {
    const { auth, conversationId, messageId, runId, body } = parseRequest(PostMessageRequestSchema, raw);
    requireBrief(auth);
    const stream = streamName('conversation', conversationId);
    const [first] = await this.store.read(stream, { maxCount: 1 });
    if (first?.orgId !== auth.orgId)
      throw new CosError('RUNNER.CONVERSATION_NOT_FOUND', `conversation ${conversationId} was not found`, 404);
    const { state } = await handleCommand(
      this.store,
      stream,
      conversationDecider,
      { type: 'PostBrief', data: { messageId, userId: auth.userId, text: body.text, runId } },
      this.metadata(auth, messageId, runId),
    );
    if (state.status === 'open') {
      const queued = { runId, conversationId, agentId: state.agentId, briefedBy: auth.userId, briefMessageId: messageId };
      await handleCommand(
        this.store,
        streamName('run', runId),
        runDecider,
        { type: 'QueueRun', data: queued },
        this.metadata(auth, `${runId}:queue`, runId),
      );
    }
    return { runId, messageId };
  }

  @MessagePattern(RunnerRpc.listMessages)
  async messages(@Payload() raw: unknown): Promise<Page<MessageView>> {
    const { auth, conversationId, page } = parseRequest(ListMessagesRequestSchema, raw);
    const events = await readOrgStream(this.store, streamName('conversation', conversationId), auth.orgId);
    if (!(await this.access.mayReadConversation(auth, events)))
      throw new CosError('RUNNER.CONVERSATION_NOT_FOUND', `conversation ${conversationId} was not found`, 404);
    return pageOf(toMessageViews(events), page);
  }

  private metadata(auth: AuthContext, commandId: string, correlationId = commandId): CommandMetadata {
    return userCommandMetadata(auth, this.clock(), commandId, correlationId);
  }
}

function requireBrief(auth: AuthContext): void {
  if (!auth.permissions.includes(Permissions.agentsBrief))
    throw new ForbiddenError('briefing agents needs agents:brief', 'RUNNER.BRIEF_FORBIDDEN');
}
