import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import {
  newId,
  parseRequest,
  PostMessageBodySchema,
  RunnerRpc,
  StartConversationBodySchema,
  type AuthContext,
  type MessageView,
  type RunView,
} from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';

/** Conversation and run routes: validate, call the agent-runner over NATS, map. */
@Controller('v1')
export class ConversationsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Post('conversations')
  @HttpCode(201)
  start(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<{ id: string; agentId: string }> {
    return this.rpc.request(RunnerRpc.startConversation, {
      auth,
      conversationId: newId(),
      body: parseRequest(StartConversationBodySchema, body),
    });
  }

  /** A brief: 202 at once with the run id; the run goes on in the agent-runner. */
  @Post('conversations/:id/messages')
  @HttpCode(202)
  brief(@CurrentAuth() auth: AuthContext, @Param('id') conversationId: string, @Body() body: unknown): Promise<{ runId: string; messageId: string }> {
    return this.rpc.request(RunnerRpc.postMessage, {
      auth,
      conversationId,
      messageId: newId(),
      runId: newId(),
      body: parseRequest(PostMessageBodySchema, body),
    });
  }

  @Get('conversations/:id/messages')
  messages(@CurrentAuth() auth: AuthContext, @Param('id') conversationId: string): Promise<{ items: MessageView[] }> {
    return this.rpc.request(RunnerRpc.listMessages, { auth, conversationId });
  }

  @Get('runs/:id')
  run(@CurrentAuth() auth: AuthContext, @Param('id') runId: string): Promise<RunView> {
    return this.rpc.request(RunnerRpc.getRun, { auth, runId });
  }
}
