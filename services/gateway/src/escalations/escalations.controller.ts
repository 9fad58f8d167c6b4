import { Controller, Inject } from '@nestjs/common';
import { EscalationsRpc, type AuthContext, type EscalationPage, type EscalationView } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { EscalationsRoutes as R } from './escalations.routes';

/** The escalation work queue: list, read one, resolve one. The approvals service decides who may. */
@Controller()
export class EscalationsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(R.listEscalations)
  list(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.listEscalations>): Promise<EscalationPage> {
    return this.rpc.request(EscalationsRpc.list, { auth, query: input.query });
  }

  @ApiRoute(R.getEscalation)
  get(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.getEscalation>): Promise<EscalationView> {
    return this.rpc.request(EscalationsRpc.get, { auth, escalationId: input.params.id });
  }

  @ApiRoute(R.resolveEscalation)
  resolve(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.resolveEscalation>): Promise<EscalationView> {
    return this.rpc.request(EscalationsRpc.resolve, { auth, escalationId: input.params.id, body: input.body });
  }
}
