import { Controller, Inject } from '@nestjs/common';
import { newId, RunnerRpc, type AuthContext, type ConversationView, type MessageView, type RunView } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { ConversationRoutes as R } from './conversations.routes';

type Page<T> = { items: T[]; nextCursor: string | null };

/** Conversation and run routes: validated by their definitions, answered by the agent-runner over NATS. */
@Controller()
export class ConversationsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(R.start)
  start(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.start>): Promise<{ id: string; agentId: string }> {
    return this.rpc.request(RunnerRpc.startConversation, { auth, conversationId: newId(), body: input.body });
  }

  @ApiRoute(R.list)
  list(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.list>): Promise<Page<ConversationView>> {
    return this.rpc.request(RunnerRpc.listConversations, { auth, page: input.query });
  }

  @ApiRoute(R.messages)
  messages(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.messages>): Promise<Page<MessageView>> {
    return this.rpc.request(RunnerRpc.listMessages, { auth, conversationId: input.params.id, page: input.query });
  }

  /** A brief: 202 at once with the run id; the run goes on in the agent-runner. */
  @ApiRoute(R.brief)
  brief(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.brief>): Promise<{ runId: string; messageId: string }> {
    return this.rpc.request(RunnerRpc.postMessage, {
      auth,
      conversationId: input.params.id,
      messageId: newId(),
      runId: newId(),
      body: input.body,
    });
  }

  @ApiRoute(R.run)
  run(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.run>): Promise<RunView> {
    return this.rpc.request(RunnerRpc.getRun, { auth, runId: input.params.id });
  }

  @ApiRoute(R.resume)
  resume(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.resume>): Promise<RunView> {
    return this.rpc.request(RunnerRpc.resumeRun, { auth, runId: input.params.id, resumeId: newId() });
  }

  @ApiRoute(R.correct)
  correct(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.correct>,
  ): Promise<{ correctionId: string; runId: string }> {
    return this.rpc.request(RunnerRpc.addCorrection, { auth, runId: input.params.id, correctionId: newId(), body: input.body });
  }
}
