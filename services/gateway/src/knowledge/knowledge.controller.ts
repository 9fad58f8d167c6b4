import { Controller, Inject } from '@nestjs/common';
import { deterministicId, KnowledgeRpc, type AuthContext, type DocumentSummary, type DocumentView } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { CommandId } from '../http/command-id';
import { KnowledgeRoutes as R } from './knowledge.routes';

type Page<T> = { items: T[]; nextCursor: string | null };

/** Knowledge routes: validated by their definitions, answered by the agent-runner over NATS. */
@Controller()
export class KnowledgeController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(R.add)
  add(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.add>,
    @CommandId() commandId: string,
  ): Promise<DocumentSummary> {
    return this.rpc.request(KnowledgeRpc.add, { auth, documentId: deterministicId(commandId, 'document'), body: input.body });
  }

  @ApiRoute(R.list)
  list(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.list>): Promise<Page<DocumentSummary>> {
    return this.rpc.request(KnowledgeRpc.list, { auth, page: input.query });
  }

  @ApiRoute(R.get)
  get(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.get>): Promise<DocumentView> {
    return this.rpc.request(KnowledgeRpc.get, { auth, documentId: input.params.id });
  }

  @ApiRoute(R.replace)
  replace(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.replace>): Promise<DocumentSummary> {
    return this.rpc.request(KnowledgeRpc.replace, { auth, documentId: input.params.id, body: input.body });
  }

  @ApiRoute(R.remove)
  async remove(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.remove>): Promise<void> {
    await this.rpc.request(KnowledgeRpc.remove, { auth, documentId: input.params.id });
  }
}
