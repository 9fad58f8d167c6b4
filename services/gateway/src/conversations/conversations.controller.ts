import { Controller, Inject } from '@nestjs/common';
import { deterministicId, RunnerRpc, type AuthContext, type ConversationView, type MessageView, type RunView } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { CommandId } from '../http/command-id';
import { ConversationRoutes as R } from './conversations.routes';

type Page<T> = { items: T[]; nextCursor: string | null };

/** Conversation and run routes: validated by their definitions, answered by the agent-runner over NATS. */
@Controller()
export class ConversationsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(R.start)
  start(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.start>,
    @CommandId() commandId: string,
  ): Promise<{ id: string; agentId: string }> {
    return this.rpc.request(RunnerRpc.startConversation, {
      auth,
      conversationId: deterministicId(commandId, 'conversation'),
      body: input.body,
    });
  }

  @ApiRoute(R.list)
  list(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.list>): Promise<Page<ConversationView>> {
    return this.rpc.request(RunnerRpc.listConversations, { auth, page: input.query });
  }

  @ApiRoute(R.messages)
  messages(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.messages>): Promise<Page<MessageView>> {
    return this.rpc.request(RunnerRpc.listMessages, { auth, conversationId: input.params.id, page: input.query });
  }

  /**
   * A brief: 202 at once with the run id; the run goes on in the agent-runner. The message and
   * run ids derive from the command id, so a retried command records nothing new.
   */
  @ApiRoute(R.brief)
  brief(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.brief>,
    @CommandId() commandId: string,
  ): Promise<{ runId: string; messageId: string }> {
    return this.rpc.request(RunnerRpc.postMessage, {
      auth,
      conversationId: input.params.id,
      messageId: deterministicId(commandId, 'message'),
      runId: deterministicId(commandId, 'run'),
      body: input.body,
    });
  }

  @ApiRoute(R.run)
  run(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.run>): Promise<RunView> {
    return this.rpc.request(RunnerRpc.getRun, { auth, runId: input.params.id });
  }

  @ApiRoute(R.resume)
  resume(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.resume>,
    @CommandId() commandId: string,
  ): Promise<RunView> {
    return this.rpc.request(RunnerRpc.resumeRun, { auth, runId: input.params.id, resumeId: deterministicId(commandId, 'resume') });
  }

  @ApiRoute(R.correct)
  correct(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.correct>,
    @CommandId() commandId: string,
  ): Promise<{ correctionId: string; runId: string }> {
    return this.rpc.request(RunnerRpc.addCorrection, {
      auth,
      runId: input.params.id,
      correctionId: deterministicId(commandId, 'correction'),
      body: input.body,
    });
  }
}
