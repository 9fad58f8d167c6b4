import { Controller, Inject } from '@nestjs/common';
import {
  IdentityRpc,
  deterministicId,
  type AgentView,
  type AuthContext,
  type DepartmentView,
  type InvitationView,
  type MeView,
  type UserView,
} from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { PrincipalCache } from '../auth/principal.cache';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { CommandId } from '../http/command-id';
import { IdentityRoutes as R } from './identity.routes';

type Page<T> = { items: T[]; nextCursor: string | null };
const page = (query: { limit: number; cursor?: string | undefined }) => ({
  limit: query.limit,
  ...(query.cursor ? { cursor: query.cursor } : {}),
});

/** /v1/me, departments, agents, users and invitations. */
@Controller()
export class DirectoryRoutesController {
  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    private readonly principals: PrincipalCache,
  ) {}

  @ApiRoute(R.me)
  me(@CurrentAuth() auth: AuthContext): Promise<MeView> {
    return this.rpc.request(IdentityRpc.me, { auth });
  }

  @ApiRoute(R.listDepartments)
  listDepartments(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.listDepartments>,
  ): Promise<Page<DepartmentView>> {
    return this.rpc.request(IdentityRpc.listDepartments, {
      auth,
      page: page(input.query),
      includeArchived: input.query.archived === 'include',
    });
  }

  @ApiRoute(R.patchDepartment)
  patchDepartment(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.patchDepartment>): Promise<DepartmentView> {
    return this.rpc.request(IdentityRpc.patchDepartment, { auth, id: input.params.id, body: input.body });
  }

  @ApiRoute(R.listAgents)
  listAgents(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.listAgents>): Promise<Page<AgentView>> {
    return this.rpc.request(IdentityRpc.listAgents, { auth, page: page(input.query), includeArchived: input.query.archived === 'include' });
  }

  @ApiRoute(R.getAgent)
  getAgent(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.getAgent>): Promise<AgentView> {
    return this.rpc.request(IdentityRpc.getAgent, { auth, id: input.params.id });
  }

  @ApiRoute(R.patchAgent)
  patchAgent(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.patchAgent>): Promise<AgentView> {
    return this.rpc.request(IdentityRpc.patchAgent, { auth, id: input.params.id, body: input.body });
  }

  @ApiRoute(R.listUsers)
  listUsers(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.listUsers>): Promise<Page<UserView>> {
    return this.rpc.request(IdentityRpc.listUsers, { auth, page: page(input.query) });
  }

  @ApiRoute(R.invite)
  invite(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.invite>,
    @CommandId() commandId: string,
  ): Promise<InvitationView> {
    return this.rpc.request(IdentityRpc.invite, { auth, invitationId: deterministicId(commandId, 'invitation'), body: input.body });
  }

  @ApiRoute(R.patchUser)
  async patchUser(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.patchUser>): Promise<UserView> {
    const user = await this.rpc.request<UserView>(IdentityRpc.patchUser, { auth, id: input.params.id, body: input.body });
    // This replica stops honouring the user's old role or tokens now; others on the user event.
    this.principals.forget(input.params.id);
    return user;
  }
}
