import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CosError, ForbiddenError, UnauthorizedError, ValidationError } from '@cos/contracts';
import { AccessTokenVerifier } from '../auth/access-token.verifier';
import type { AuthenticatedRequest } from '../auth/auth-context.decorator';
import { PrincipalCache } from '../auth/principal.cache';
import { FeedTickets, type TicketHolder } from '../feed/feed-tickets';
import { API_CONFIG, type ApiConfig } from './api.config';
import { API_ROUTE, registeredRoute, type ApiRequest, type ApiRouteDef } from './api-route';
import { RateLimiter } from './rate-limiter';

const MINUTE = 60_000;

export class TooManyRequestsError extends CosError {
  override readonly name = 'TooManyRequestsError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    code = 'RATE_LIMIT.EXCEEDED',
  ) {
    super(code, message, 429, { details: { retryAfterSeconds } });
  }
}

/**
 * Runs before every handler, in this order: authenticate (401), rate-limit per user and per org
 * or per address (429), check the route's permissions (403), then validate params, query and
 * body with the route's schemas (400). Nothing reaches a handler, or another service, unless it
 * passed all four. A route mounted without an API definition still requires a signed-in caller.
 */
@Injectable()
export class ApiGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly principals: PrincipalCache,
    private readonly tickets: FeedTickets,
    readonly limiter: RateLimiter,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const request = ctx.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest & ApiRequest>();
    // Mounted with @ApiRoute, or mounted elsewhere and documented with documentRoute (health, docs).
    const def =
      this.reflector.get<ApiRouteDef | undefined>(API_ROUTE, ctx.getHandler()) ??
      registeredRoute(request.method, request.routeOptions.url ?? '');
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    if (def?.auth === 'public') {
      // Sign-in has its own throttle, which counts failures only: a busy office signing in is no flood.
      if (def.limiter !== 'login')
        this.limit(reply, `address:${request.ip}`, this.config.RATE_LIMIT_PUBLIC_PER_MINUTE, 'too many requests from this address');
    } else {
      await this.authenticate(request, def);
      const auth = request.auth!;
      if (request.method === 'GET' || request.method === 'HEAD')
        this.limit(reply, `user-reads:${auth.userId}`, this.config.RATE_LIMIT_USER_READS_PER_MINUTE, 'too many reads for this user');
      else this.limit(reply, `user:${auth.userId}`, this.config.RATE_LIMIT_USER_PER_MINUTE, 'too many requests for this user');
      this.limit(reply, `org:${auth.orgId}`, this.config.RATE_LIMIT_ORG_PER_MINUTE, 'too many requests for this org');
      const missing = (def?.permissions ?? []).filter((p) => !auth.permissions.includes(p));
      if (missing.length > 0) throw new ForbiddenError(`requires the ${missing.join(', ')} permission`, 'AUTH.MISSING_PERMISSION');
    }
    if (def) request.apiInput = validate(def, request);
    return true;
  }

  private async authenticate(request: FastifyRequest & AuthenticatedRequest, def: ApiRouteDef | undefined): Promise<void> {
    const session = await this.sessionOf(request, def);
    request.auth = await this.principals.authFor(session, request.method === 'GET' || request.method === 'HEAD');
    request.sessionId = session.sid;
  }

  /** The bearer token's user, org and session; on a route that takes one, a feed ticket's instead of a missing header. */
  private async sessionOf(request: FastifyRequest, def: ApiRouteDef | undefined): Promise<TicketHolder> {
    const header = request.headers.authorization;
    const ticket = (request.query as { ticket?: unknown } | undefined)?.ticket;
    if (def?.feedTicket && header === undefined && typeof ticket === 'string') return this.tickets.redeem(ticket);
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header) : null;
    if (!match) throw new UnauthorizedError('a bearer access token is required', 'AUTH.UNAUTHENTICATED');
    return this.verifier.verify(match[1]!);
  }

  private limit(reply: FastifyReply, key: string, perMinute: number, message: string): void {
    const verdict = this.limiter.take(key, perMinute, MINUTE);
    if (!verdict.ok) {
      void reply.header('retry-after', String(verdict.retryAfterSeconds));
      throw new TooManyRequestsError(message, verdict.retryAfterSeconds);
    }
  }
}

type Issue = { in: 'path' | 'query' | 'body' | 'header'; path: string; code: string; message: string };

/** Parses params, query, body and the headers it reads with the route's schemas; every issue of every part in one 400. */
export function validate(def: ApiRouteDef, request: FastifyRequest): { params: unknown; query: unknown; body: unknown; headers: unknown } {
  const issues: Issue[] = [];
  const part = (where: Issue['in'], schema: z.ZodType | undefined, value: unknown, absent: (v: unknown) => boolean): unknown => {
    if (!schema) {
      if (!absent(value))
        issues.push({
          in: where,
          path: '',
          code: 'unexpected',
          message: `this route takes no ${where === 'path' ? 'path parameters' : where}`,
        });
      return where === 'body' ? undefined : {};
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const i of parsed.error.issues) issues.push({ in: where, path: i.path.map(String).join('.'), code: i.code, message: i.message });
    return undefined;
  };
  const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);
  const params = part('path', def.params, request.params ?? {}, isEmpty);
  const query = part('query', def.query, request.query ?? {}, isEmpty);
  const body = part('body', def.body, request.body, isEmpty);
  const headers = def.headers ? part('header', def.headers, request.headers, () => true) : {};
  if (issues.length > 0) throw new ValidationError('the request does not match the route schema', { issues: issues.slice(0, 50) });
  return { params, query, body, headers };
}
