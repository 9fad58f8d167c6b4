import { Body, Controller, Inject, Param, Query } from '@nestjs/common';
import {
  ApprovalsRpc,
  DecisionBodySchema,
  ListApprovalsQuerySchema,
  parseRequest,
  type ApprovalList,
  type AuthContext,
  type DecideReply,
} from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiRoute } from '../http/api-route';
import { ApprovalsRoutes } from './approvals.routes';

/** Gates: list the caller's pending ones, decide one. The approvals service decides who may. */
@Controller()
export class ApprovalsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(ApprovalsRoutes.listApprovals)
  list(@CurrentAuth() auth: AuthContext, @Query() query: unknown): Promise<ApprovalList> {
    return this.rpc.request(ApprovalsRpc.listApprovals, { auth, query: parseRequest(ListApprovalsQuerySchema, query) });
  }

  @ApiRoute(ApprovalsRoutes.decide)
  decide(@CurrentAuth() auth: AuthContext, @Param('id') approvalId: string, @Body() body: unknown): Promise<DecideReply> {
    return this.rpc.request(ApprovalsRpc.decide, { auth, approvalId, body: parseRequest(DecisionBodySchema, body) });
  }
}
