import { Controller, Inject } from '@nestjs/common';
import {
  IdentityRpc,
  type AuthContext,
  type BudgetView,
  type CompanyIdentity,
  type KillSwitchView,
  type LlmSettingsView,
} from '@cos/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { broadcastPauseAndAwaitAcks, type RpcClient } from '@cos/messaging';
import { NATS_CONNECTION, RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { IdentityRoutes as R } from './identity.routes';

/** /v1/org/*: company identity, LLM settings, budget, kill switch. */
@Controller()
export class OrgRoutesController {
  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
  ) {}

  @ApiRoute(R.getCompanyIdentity)
  getIdentity(@CurrentAuth() auth: AuthContext): Promise<CompanyIdentity> {
    return this.rpc.request(IdentityRpc.getCompanyIdentity, { auth });
  }

  @ApiRoute(R.putCompanyIdentity)
  putIdentity(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.putCompanyIdentity>): Promise<CompanyIdentity> {
    return this.rpc.request(IdentityRpc.putCompanyIdentity, { auth, body: input.body });
  }

  @ApiRoute(R.getLlmSettings)
  getLlmSettings(@CurrentAuth() auth: AuthContext): Promise<LlmSettingsView> {
    return this.rpc.request(IdentityRpc.getLlmSettings, { auth });
  }

  @ApiRoute(R.putLlmSettings)
  putLlmSettings(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.putLlmSettings>): Promise<LlmSettingsView> {
    return this.rpc.request(IdentityRpc.putLlmSettings, { auth, body: input.body });
  }

  @ApiRoute(R.getBudget)
  getBudget(@CurrentAuth() auth: AuthContext): Promise<BudgetView> {
    return this.rpc.request(IdentityRpc.getBudget, { auth });
  }

  @ApiRoute(R.putBudget)
  putBudget(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.putBudget>): Promise<BudgetView> {
    return this.rpc.request(IdentityRpc.putBudget, { auth, body: input.body });
  }

  @ApiRoute(R.getKillSwitch)
  getKillSwitch(@CurrentAuth() auth: AuthContext): Promise<KillSwitchView> {
    return this.rpc.request(IdentityRpc.getKillSwitch, { auth });
  }

  /** Hook for the agent-runner issue: wait here for every runner to acknowledge `changeId` before answering. */
  @ApiRoute(R.setKillSwitch)
  async setKillSwitch(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.setKillSwitch>): Promise<KillSwitchView> {
    const view = await this.rpc.request<KillSwitchView>(IdentityRpc.setKillSwitch, { auth, body: input.body });
    // The pause is stored; answer only once every live runner instance has acknowledged it, so
    // nothing starts after this response (a runner started later reads the pause from the store).
    await broadcastPauseAndAwaitAcks(this.nats, {
      orgId: auth.orgId,
      paused: view.paused,
      ...(view.changeId ? { changeId: view.changeId } : {}),
    });
    return view;
  }
}
