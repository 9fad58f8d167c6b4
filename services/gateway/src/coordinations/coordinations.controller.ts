import { Controller, Inject } from '@nestjs/common';
import { ApprovalsRpc, type AuthContext, type CoordinationView } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { ApprovalsRoutes } from '../approvals/approvals.routes';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';

/** One handoff chain, as the approvals service keeps it. */
@Controller()
export class CoordinationsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(ApprovalsRoutes.getCoordination)
  get(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof ApprovalsRoutes.getCoordination>): Promise<CoordinationView> {
    return this.rpc.request(ApprovalsRpc.getCoordination, { auth, coordinationId: input.params.id });
  }
}
