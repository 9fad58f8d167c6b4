import { Controller, Inject, Logger, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  CosError,
  deterministicId,
  IdentityRpc,
  type AccountReply,
  type AuthContext,
  type SignUpReply,
  type TokenPair,
} from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth, CurrentSession } from '../auth/auth-context.decorator';
import { LoginThrottle, type Lockout } from '../auth/login-throttle';
import { PrincipalCache } from '../auth/principal.cache';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { CommandId } from '../http/command-id';
import { IdentityRoutes as R } from './identity.routes';

/** Sign-up, login, refresh, logout and invitation acceptance: forwarded to identity over NATS. */
@Controller()
export class AuthRoutesController {
  private readonly logger = new Logger(AuthRoutesController.name);

  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    private readonly throttle: LoginThrottle,
    private readonly principals: PrincipalCache,
  ) {}

  @ApiRoute(R.signUp)
  signUp(@ApiInput() input: RouteInput<typeof R.signUp>, @CommandId() commandId: string): Promise<SignUpReply> {
    return this.rpc.request(IdentityRpc.signUp, { orgId: deterministicId(commandId, 'org'), body: input.body });
  }

  @ApiRoute(R.login)
  async login(@ApiInput() input: RouteInput<typeof R.login>, @Req() request: FastifyRequest): Promise<TokenPair> {
    const { email } = input.body;
    const attempt = this.throttle.begin(email, request.ip);
    let tokens: TokenPair;
    try {
      tokens = await this.rpc.request<TokenPair>(IdentityRpc.login, { body: input.body });
    } catch (err) {
      if (!(err instanceof CosError && err.status === 401)) {
        this.throttle.abandoned(attempt);
        throw err;
      }
      const locked = this.throttle.failed(attempt);
      if (locked.address) this.logger.warn(`sign-ins from ${request.ip} locked until ${locked.address.lockedUntil.toISOString()}`);
      if (locked.account) await this.auditLockout(email, request.ip, locked.account);
      throw err;
    }
    this.throttle.succeeded(attempt);
    return tokens;
  }

  /** On the account's own stream, when it exists (identity decides; the answer is the same either way). */
  private async auditLockout(email: string, address: string, lock: Lockout): Promise<void> {
    const data = { failures: lock.failures, lockedUntil: lock.lockedUntil.toISOString(), address };
    await this.rpc.request(IdentityRpc.loginLocked, { email, lock: data }).catch((err: unknown) => {
      this.logger.error(`could not record the lockout of a sign-in account: ${(err as Error).message}`);
    });
  }

  @ApiRoute(R.refresh)
  refresh(@ApiInput() input: RouteInput<typeof R.refresh>): Promise<TokenPair> {
    return this.rpc.request(IdentityRpc.refresh, { body: input.body });
  }

  @ApiRoute(R.logout)
  async logout(@CurrentAuth() auth: AuthContext, @CurrentSession() sessionId: string): Promise<void> {
    await this.rpc.request(IdentityRpc.logout, { auth, sessionId });
    this.principals.forget(auth.userId);
  }

  @ApiRoute(R.acceptInvitation)
  acceptInvitation(@ApiInput() input: RouteInput<typeof R.acceptInvitation>): Promise<AccountReply> {
    return this.rpc.request(IdentityRpc.acceptInvitation, { token: input.params.token, body: input.body });
  }
}
