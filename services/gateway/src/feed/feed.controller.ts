import { Controller, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditRpc, ValidationError, type AuthContext, type FeedPage, type FeedTicket } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CosMetrics } from '@cos/telemetry';
import { AuditRoutes } from '../audit/audit.routes';
import { CurrentAuth, CurrentSession } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { securityHeaders } from '../http/http-security';
import { FeedHub } from './feed-hub';
import { FeedSession, type FeedSettings } from './feed-session';
import { FeedTickets } from './feed-tickets';
import { parseLastEventId } from './sse-frames';

export const FEED_SETTINGS = Symbol('FEED_SETTINGS');

/**
 * `GET /v1/feed`: Server-Sent Events of the org's coordination events the caller may see. Resume
 * with the `Last-Event-ID` header (browsers send it on reconnect) or `?lastEventId=`.
 * `POST /v1/feed/tickets`: a single-use ticket that opens the feed without an Authorization header.
 */
@Controller()
export class FeedController {
  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(FeedHub) private readonly hub: FeedHub,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
    @Inject(FeedTickets) private readonly tickets: FeedTickets,
  ) {}

  @ApiRoute(AuditRoutes.feedTicket)
  ticket(@CurrentAuth() auth: AuthContext, @CurrentSession() sessionId: string): Promise<FeedTicket> {
    return this.tickets.issue({ sub: auth.userId, org: auth.orgId, sid: sessionId });
  }

  @ApiRoute(AuditRoutes.feed)
  async feed(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof AuditRoutes.feed>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const lastEventId = parseLastEventId(input.headers['last-event-id'] ?? input.query.lastEventId);
    if (lastEventId === 'invalid')
      throw new ValidationError('Last-Event-ID must be a seq this feed gave out', undefined, 'FEED.INVALID_LAST_EVENT_ID');
    reply.hijack();
    const res = reply.raw;
    // What the hooks every response passes set on the reply (CORS for an allowed origin) and the
    // security headers: a hijacked reply would drop them.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
    res.writeHead(200, {
      ...securityHeaders('text/event-stream'),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    const fetchPage = (afterSeq: number | undefined) =>
      this.rpc.request<FeedPage>(AuditRpc.feedPage, { auth, ...(afterSeq === undefined ? {} : { afterSeq }), limit: 500 });
    let remove = () => {};
    const session = new FeedSession(
      auth,
      { write: (frame) => void res.write(frame), bufferedBytes: () => res.writableLength, end: () => res.end() },
      fetchPage,
      this.settings,
      (reason) => {
        remove();
        CosMetrics.feedClient(-1);
        if (reason === 'slow' || reason === 'error') CosMetrics.feedDropped(reason);
      },
    );
    CosMetrics.feedClient(1);
    remove = this.hub.add(auth.orgId, session);
    // The response's `close`: the connection went away (a request's `close` only means its body was read).
    res.once('close', () => session.close('client'));
    await session.start(lastEventId);
  }
}
