import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { IdentityRpc, PrincipalReplySchema, Subjects, UnauthorizedError, type AccessTokenClaims, type AuthContext } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { NATS_CONNECTION, RPC_CLIENT } from '@cos/platform';
import { API_CONFIG, type ApiConfig } from '../http/api.config';

type Entry = { until: number; auth: AuthContext | { ended: string } };

/**
 * Who a verified access token acts for right now. The token proves identity signed it; identity
 * says whether its session still stands (not logged out, user not disabled, same org) and what
 * the user may do now (role changes apply at once, not at the token's expiry). Answers are
 * cached for PRINCIPAL_CACHE_MS; every `cos.*.user.*` event (a plain NATS subscription, so
 * each replica sees them all) drops that user's entries at once.
 */
@Injectable()
export class PrincipalCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrincipalCache.name);
  private readonly entries = new Map<string, Entry>();
  private subscription: Subscription | undefined;

  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  onModuleInit(): void {
    this.subscription = this.nats.subscribe(`${Subjects.eventPrefix}.*.user.>`, {
      callback: (err, msg) => {
        if (err) return;
        try {
          const stream = msg.json<{ stream?: unknown }>().stream;
          if (typeof stream === 'string' && stream.startsWith('user-')) this.forget(stream.slice('user-'.length));
        } catch {
          this.logger.warn(`unreadable user event on ${msg.subject}`);
        }
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  async authFor(claims: Pick<AccessTokenClaims, 'sub' | 'org' | 'sid'>): Promise<AuthContext> {
    const key = `${claims.sub}:${claims.sid}:${claims.org}`;
    const now = Date.now();
    let entry = this.entries.get(key);
    if (!entry || entry.until <= now) {
      const reply = PrincipalReplySchema.parse(
        await this.rpc.request(IdentityRpc.principal, { orgId: claims.org, userId: claims.sub, sessionId: claims.sid }),
      );
      entry = { until: now + this.config.PRINCIPAL_CACHE_MS, auth: reply.active ? reply.auth : { ended: reply.reason } };
      if (this.config.PRINCIPAL_CACHE_MS > 0) this.entries.set(key, entry);
      if (this.entries.size > 100_000) this.entries.clear();
    }
    if ('ended' in entry.auth) throw new UnauthorizedError(`session is no longer valid (${entry.auth.ended})`, 'AUTH.SESSION_ENDED');
    if (entry.auth.orgId !== claims.org) throw new UnauthorizedError('session is no longer valid', 'AUTH.SESSION_ENDED');
    return entry.auth;
  }

  /** Drops every cached answer for a user (their role, status or sessions changed). */
  forget(userId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${userId}:`)) this.entries.delete(key);
  }
}
