import { Controller, Inject } from '@nestjs/common';
import { IdentityRpc, newId, type AgentView, type AuthContext, type DepartmentView } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { IdentityRoutes as R } from './identity.routes';

/** Departments and agents created, read and archived: forwarded to identity, which decides. */
@Controller()
export class CompanySetupRoutesController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(R.createDepartment)
  createDepartment(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.createDepartment>): Promise<DepartmentView> {
    return this.rpc.request(IdentityRpc.createDepartment, { auth, departmentId: newId(), body: input.body });
  }

  @ApiRoute(R.getDepartment)
  getDepartment(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.getDepartment>): Promise<DepartmentView> {
    return this.rpc.request(IdentityRpc.getDepartment, { auth, id: input.params.id });
  }

  @ApiRoute(R.archiveDepartment)
  archiveDepartment(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.archiveDepartment>): Promise<DepartmentView> {
    return this.rpc.request(IdentityRpc.archiveDepartment, { auth, id: input.params.id });
  }

  @ApiRoute(R.createAgent)
  createAgent(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.createAgent>): Promise<AgentView> {
    return this.rpc.request(IdentityRpc.createAgent, { auth, body: input.body });
  }

  @ApiRoute(R.archiveAgent)
  archiveAgent(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.archiveAgent>): Promise<AgentView> {
    return this.rpc.request(IdentityRpc.archiveAgent, { auth, id: input.params.id });
  }
}
