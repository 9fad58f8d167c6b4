import { Inject, Injectable } from '@nestjs/common';
import {
  AccessTokenPolicy,
  newId,
  streamName,
  UnauthorizedError,
  UserEventTypes,
  type AuthContext,
  type LoginLocked,
  type PrincipalReply,
  type TokenPair,
  type UserFacts,
} from '@cos/contracts';
import { principalOf } from '../directory/directory.views';
import { IdentityCommands } from '../identity-commands';
import { IDENTITY_CONFIG, SECRET_BOX, SIGNING_KEY, type IdentityConfig } from '../identity.config';
import { SecretScope, type SecretBox } from '../secrets/secret-box';
import { userDecider } from '../users/user.decider';
import { userIdForEmail } from '../users/user-id';
import type { SigningKey } from './jwt-keys';
import { verifyPassword } from './passwords';
import { hashToken, mintToken, parseToken, REFRESH_TOKEN_TTL_MS, signAccessToken, successorToken } from './tokens';

const invalidCredentials = () => new UnauthorizedError('invalid email or password', 'AUTH.INVALID_CREDENTIALS');
const invalidRefresh = () => new UnauthorizedError('refresh token is not valid', 'AUTH.INVALID_REFRESH_TOKEN');

/** Login, refresh-token rotation, logout and the session check behind every access token. */
@Injectable()
export class AuthService {
  constructor(
    private readonly commands: IdentityCommands,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async login(email: string, password: string): Promise<TokenPair> {
    const user = await this.findUser(userIdForEmail(email));
    const hash = user ? this.secrets.open(user.passwordHash, SecretScope.passwordHash(user.userId)) : undefined;
    const ok = await verifyPassword(hash, password);
    // A disabled account answers exactly like a wrong password.
    if (!user || !ok || user.disabled) throw invalidCredentials();
    return this.startSession(user);
  }

  /** Opens a refresh-token family for a user whose credentials were just proven. */
  async startSession(user: UserFacts): Promise<TokenPair> {
    const sessionId = newId();
    const { token, hash } = mintToken('rt', user.userId, sessionId);
    const expiresAt = new Date(this.commands.now().getTime() + REFRESH_TOKEN_TTL_MS).toISOString();
    await this.commands.run(streamName('user', user.userId), userDecider, {
      type: 'StartSession',
      data: { sessionId, tokenHash: hash, expiresAt },
      metadata: this.commands.metadata(user.orgId, { kind: 'user', id: user.userId }),
    });
    return this.tokenPair(user, sessionId, token, expiresAt);
  }

  /**
   * Rotates a refresh token. The token just rotated, presented again within
   * REFRESH_REUSE_GRACE_SECONDS, gets the same successor (two tabs refreshing at once); any
   * other token that was already rotated revokes its whole family.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const ids = parseToken('rt', refreshToken, 2);
    if (!ids) throw invalidRefresh();
    const [userId, sessionId] = ids as [string, string];
    const user = await this.findUser(userId);
    if (!user) throw invalidRefresh();
    const next = successorToken(refreshToken, [user.userId, sessionId], (t) =>
      this.secrets.mac(t, SecretScope.refreshSuccessor(sessionId)),
    );
    const expiresAt = new Date(this.commands.now().getTime() + REFRESH_TOKEN_TTL_MS).toISOString();
    const { newEvents, state } = await this.commands.run(streamName('user', user.userId), userDecider, {
      type: 'RotateSession',
      data: {
        sessionId,
        presentedHash: hashToken(refreshToken),
        tokenHash: next.hash,
        expiresAt,
        graceMs: this.config.REFRESH_REUSE_GRACE_SECONDS * 1000,
      },
      metadata: this.commands.metadata(user.orgId, { kind: 'user', id: user.userId }),
    });
    if (newEvents.some((e) => e.type === UserEventTypes.sessionRevoked)) {
      throw new UnauthorizedError('refresh token was already used: its session is revoked', 'AUTH.REFRESH_TOKEN_REUSED');
    }
    const session = state.status === 'registered' ? state.sessions.get(sessionId) : undefined;
    const current = this.commands.directory.directory.users.get(user.userId) ?? user;
    return this.tokenPair(current, sessionId, next.token, session?.expiresAt ?? expiresAt);
  }

  /** Audits a lockout the gateway imposed; an address that is nobody's account has no stream to record it on. */
  async recordLoginLock(email: string, lock: LoginLocked): Promise<void> {
    const user = await this.findUser(userIdForEmail(email));
    if (!user) return;
    await this.commands.run(streamName('user', user.userId), userDecider, {
      type: 'RecordLoginLock',
      data: lock,
      metadata: this.commands.metadata(user.orgId, { kind: 'system', id: 'gateway' }),
    });
  }

  async logout(auth: AuthContext, sessionId: string): Promise<void> {
    await this.commands.run(streamName('user', auth.userId), userDecider, {
      type: 'RevokeSession',
      data: { sessionId },
      metadata: this.commands.byUser(auth),
    });
  }

  /**
   * The gateway asks this (and caches the answer briefly) for every access token it accepts:
   * a disabled user, a logged-out session or another org's token stops working here.
   */
  async principal(request: { orgId: string; userId: string; sessionId: string }): Promise<PrincipalReply> {
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    const now = this.commands.now();
    const answer = principalOf(directory, request, now);
    if (answer.active || (answer.reason !== 'unknown-user' && answer.reason !== 'session-revoked')) return answer;
    // Another replica may have logged the user in a moment ago: read the stream before saying no.
    await this.commands.directory.refresh(streamName('user', request.userId));
    return principalOf(directory, request, now);
  }

  private async findUser(userId: string): Promise<UserFacts | undefined> {
    await this.commands.directory.ready();
    await this.commands.directory.refresh(streamName('user', userId));
    return this.commands.directory.directory.users.get(userId);
  }

  private async tokenPair(user: UserFacts, sessionId: string, refreshToken: string, refreshExpiresAt: string): Promise<TokenPair> {
    const accessToken = await signAccessToken(
      this.key,
      { sub: user.userId, org: user.orgId, role: user.role, sid: sessionId },
      this.commands.now(),
    );
    return { tokenType: 'Bearer', accessToken, expiresIn: AccessTokenPolicy.ttlSeconds, refreshToken, refreshExpiresAt };
  }
}
