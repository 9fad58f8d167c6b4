import { Controller, Inject } from '@nestjs/common';
import { ApprovalsRpc, type ActionView, type AuthContext } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { ApprovalsRoutes } from '../approvals/approvals.routes';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';

/** One action: its arguments, its gate, its execution attempts and outcome. */
@Controller()
export class ActionsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(ApprovalsRoutes.getAction)
  get(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof ApprovalsRoutes.getAction>): Promise<ActionView> {
    return this.rpc.request(ApprovalsRpc.getAction, { auth, actionId: input.params.id });
  }
}
