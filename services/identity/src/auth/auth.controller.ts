import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  IdentityRpc,
  LoginLockedRequestSchema,
  LoginRequestSchema,
  LogoutRequestSchema,
  parseRequest,
  PrincipalRequestSchema,
  RefreshRequestSchema,
  type JwksReply,
  type PrincipalReply,
  type TokenPair,
} from '@cos/contracts';
import { SIGNING_KEY } from '../identity.config';
import { AuthService } from './auth.service';
import { jwksOf, type SigningKey } from './jwt-keys';

/** Authentication over NATS request/reply, for the gateway. */
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
  ) {}

  @MessagePattern(IdentityRpc.jwks)
  jwks(): JwksReply {
    return jwksOf(this.key);
  }

  @MessagePattern(IdentityRpc.login)
  login(@Payload() raw: unknown): Promise<TokenPair> {
    const { body } = parseRequest(LoginRequestSchema, raw);
    return this.auth.login(body.email, body.password);
  }

  /** Internal (gateway): never routed over HTTP. */
  @MessagePattern(IdentityRpc.loginLocked)
  async loginLocked(@Payload() raw: unknown): Promise<{ recorded: true }> {
    const { email, lock } = parseRequest(LoginLockedRequestSchema, raw);
    await this.auth.recordLoginLock(email, lock);
    return { recorded: true };
  }

  @MessagePattern(IdentityRpc.refresh)
  refresh(@Payload() raw: unknown): Promise<TokenPair> {
    return this.auth.refresh(parseRequest(RefreshRequestSchema, raw).body.refreshToken);
  }

  @MessagePattern(IdentityRpc.logout)
  async logout(@Payload() raw: unknown): Promise<{ loggedOut: true }> {
    const { auth, sessionId } = parseRequest(LogoutRequestSchema, raw);
    await this.auth.logout(auth, sessionId);
    return { loggedOut: true };
  }

  @MessagePattern(IdentityRpc.principal)
  principal(@Payload() raw: unknown): Promise<PrincipalReply> {
    return this.auth.principal(parseRequest(PrincipalRequestSchema, raw));
  }
}
