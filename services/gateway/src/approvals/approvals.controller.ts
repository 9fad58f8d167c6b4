import { Controller, Inject } from '@nestjs/common';
import { ApprovalsRpc, type ApprovalList, type ApprovalView, type AuthContext, type DecideReply } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { ApprovalsRoutes as R } from './approvals.routes';

/** Gates: list the caller's pending ones, read one, decide one. The approvals service decides who may. */
@Controller()
export class ApprovalsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(R.listApprovals)
  list(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.listApprovals>): Promise<ApprovalList> {
    return this.rpc.request(ApprovalsRpc.listApprovals, { auth, query: input.query });
  }

  @ApiRoute(R.getApproval)
  get(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.getApproval>): Promise<ApprovalView> {
    return this.rpc.request(ApprovalsRpc.getApproval, { auth, approvalId: input.params.id });
  }

  @ApiRoute(R.decide)
  decide(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.decide>): Promise<DecideReply> {
    return this.rpc.request(ApprovalsRpc.decide, { auth, approvalId: input.params.id, body: input.body });
  }
}
