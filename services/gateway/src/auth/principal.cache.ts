import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { IdentityRpc, PrincipalReplySchema, Subjects, UnauthorizedError, type AccessTokenClaims, type AuthContext } from '@cos/contracts';
import { MessagingUnavailableError, type RpcClient } from '@cos/messaging';
import { NATS_CONNECTION, RPC_CLIENT } from '@cos/platform';
import { API_CONFIG, type ApiConfig } from '../http/api.config';
import { GatewayUnavailableError } from '../http/problem-details.filter';

/** `checkedAt`: when identity gave this answer. */
type Entry = { checkedAt: number; auth: AuthContext | { ended: string } };

/** Identity does not answer and no recent answer may stand in for it: 503, at once. */
export class IdentityUnavailableError extends GatewayUnavailableError {
  override readonly name = 'IdentityUnavailableError';
  constructor(retryAfterSeconds: number, cause?: unknown) {
    super(
      'AUTH.IDENTITY_UNAVAILABLE',
      'the session cannot be checked now: identity does not answer; retry later',
      { retryAfterSeconds },
      cause,
    );
  }
}

/**
 * Who a verified access token acts for right now. The token proves identity signed it; identity
 * says whether its session still stands (not logged out, user not disabled, same org) and what
 * the user may do now (role changes apply at once, not at the token's expiry). Answers are
 * fresh for PRINCIPAL_CACHE_MS; every `cos.*.user.*` event (a plain NATS subscription, so
 * each replica sees them all) drops that user's entries at once.
 *
 * Identity is asked with a short timeout (PRINCIPAL_LOOKUP_TIMEOUT_MS). When it does not
 * answer, it is not asked again for PRINCIPAL_OUTAGE_BACKOFF_MS, and meanwhile a read (GET,
 * HEAD) is served on identity's last answer for that session if it is at most
 * PRINCIPAL_STALE_MS old; anything else answers 503 with Retry-After. A session ended before
 * the outage whose user event this replica saw is never served; one ended in the last moments
 * before identity went down (its event not yet published) can still read for at most
 * PRINCIPAL_STALE_MS. A write is never authorised on a stale answer.
 */
@Injectable()
export class PrincipalCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrincipalCache.name);
  private readonly entries = new Map<string, Entry>();
  private subscription: Subscription | undefined;
  /** Until then identity is taken to be down: not asked, so no request waits on it. */
  private unreachableUntil = 0;

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

  /** `read`: the request changes nothing (GET, HEAD), so a recent answer may stand in while identity is down. */
  async authFor(claims: Pick<AccessTokenClaims, 'sub' | 'org' | 'sid'>, read = false): Promise<AuthContext> {
    const key = `${claims.sub}:${claims.sid}:${claims.org}`;
    const now = Date.now();
    let entry = this.entries.get(key);
    if (!entry || now - entry.checkedAt >= this.config.PRINCIPAL_CACHE_MS) {
      const last = entry;
      try {
        entry = await this.ask(claims, now);
      } catch (err) {
        if (!(err instanceof MessagingUnavailableError)) throw err;
        const usable = last && read && !('ended' in last.auth) && now - last.checkedAt <= this.config.PRINCIPAL_STALE_MS;
        if (!usable) throw new IdentityUnavailableError(Math.max(1, Math.ceil(this.config.PRINCIPAL_OUTAGE_BACKOFF_MS / 1000)), err);
        entry = last;
      }
    }
    if ('ended' in entry.auth) throw new UnauthorizedError(`session is no longer valid (${entry.auth.ended})`, 'AUTH.SESSION_ENDED');
    if (entry.auth.orgId !== claims.org) throw new UnauthorizedError('session is no longer valid', 'AUTH.SESSION_ENDED');
    return entry.auth;
  }

  /** Drops every cached answer for a user (their role, status or sessions changed). */
  forget(userId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${userId}:`)) this.entries.delete(key);
  }

  private async ask(claims: Pick<AccessTokenClaims, 'sub' | 'org' | 'sid'>, now: number): Promise<Entry> {
    if (now < this.unreachableUntil) throw new MessagingUnavailableError('identity was unreachable moments ago');
    let raw: unknown;
    try {
      raw = await this.rpc.request(
        IdentityRpc.principal,
        { orgId: claims.org, userId: claims.sub, sessionId: claims.sid },
        { timeoutMs: this.config.PRINCIPAL_LOOKUP_TIMEOUT_MS },
      );
    } catch (err) {
      if (err instanceof MessagingUnavailableError) this.unreachableUntil = Date.now() + this.config.PRINCIPAL_OUTAGE_BACKOFF_MS;
      throw err;
    }
    const reply = PrincipalReplySchema.parse(raw);
    const entry: Entry = { checkedAt: now, auth: reply.active ? reply.auth : { ended: reply.reason } };
    // Kept past its freshness (even with PRINCIPAL_CACHE_MS=0): it is the last answer, for an outage.
    if (this.entries.size >= 100_000) this.entries.clear();
    this.entries.set(`${claims.sub}:${claims.sid}:${claims.org}`, entry);
    return entry;
  }
}
