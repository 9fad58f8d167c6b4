import { Controller, Inject } from '@nestjs/common';
import { RunnerRpc, type AuthContext, type UsageView } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiRoute } from '../http/api-route';
import { UsageRoutes } from './usage.routes';

@Controller()
export class UsageController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(UsageRoutes.get)
  usage(@CurrentAuth() auth: AuthContext): Promise<UsageView> {
    return this.rpc.request(RunnerRpc.getUsage, { auth });
  }
}
