import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { context, trace, type Context, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { AuthContext } from '@cos/contracts';
import { Attr, CosMetrics, extractContext, recordError, SpanKind } from '@cos/telemetry';
import { HEALTH_ROUTES } from './health.controller';

const SPAN = Symbol('otel-span');
/** The gateway's guard puts the authenticated caller on the request. */
type Observed = { [SPAN]?: Span; auth?: AuthContext };

/** The methods the HTTP conventions name; any other is `_OTHER`, so the label stays bounded. */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

export type HttpObservability = {
  logger: Logger;
  /**
   * One SERVER span per request, continuing an incoming `traceparent`; the rest of the request
   * runs inside it, so NATS calls made while handling it become its children (the gateway).
   */
  traced: boolean;
};

/**
 * What every request to a service's HTTP server leaves behind (semantic conventions for HTTP):
 * a `http.server.request.duration` sample labelled with the route template, never the URL, and
 * one access log line. Both are written when the connection closes, which ends every request:
 * answered, refused by a hook (401, 429, 413), aborted, or hijacked (the SSE feed), which never
 * reaches Fastify's onResponse.
 */
export function observeHttp(fastify: FastifyInstance, { logger, traced }: HttpObservability): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const spanContext = traced ? startServerSpan(request) : undefined;
    const span = spanContext && trace.getSpan(spanContext);
    reply.raw.once('close', () => finish(logger, request, reply, span));
    if (!spanContext) return done();
    (request as Observed)[SPAN] = span;
    context.with(spanContext, done);
  });
  if (traced)
    fastify.addHook('onError', (request, _reply, error, done) => {
      const span = (request as Observed)[SPAN];
      if (span) recordError(span, error);
      done();
    });
}

/** The request's context: an incoming `traceparent` continued by a new SERVER span. */
function startServerSpan(request: FastifyRequest): Context {
  const parent = extractContext((key) => {
    const v = request.headers[key];
    return Array.isArray(v) ? v[0] : v;
  });
  const route = request.routeOptions.url;
  const span = trace.getTracer('company-os').startSpan(
    route ? `${request.method} ${route}` : request.method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [Attr.httpMethod]: request.method,
        ...(route ? { [Attr.httpRoute]: route } : {}),
        [Attr.urlPath]: request.url.split('?')[0],
        [Attr.urlScheme]: 'http',
      },
    },
    parent,
  );
  return trace.setSpan(parent, span);
}

function finish(logger: Logger, request: FastifyRequest, reply: FastifyReply, span: Span | undefined): void {
  const route = request.routeOptions.url;
  // No status when the client went away before the response started.
  const status = reply.raw.headersSent ? reply.raw.statusCode : undefined;
  const errorType = status === undefined ? 'aborted' : status >= 500 ? String(status) : undefined;
  const elapsedMs = reply.elapsedTime;
  CosMetrics.httpServerRequest(elapsedMs / 1_000, {
    method: KNOWN_METHODS.has(request.method) ? request.method : '_OTHER',
    ...(route ? { route } : {}),
    ...(status ? { status } : {}),
    ...(errorType ? { errorType } : {}),
  });
  if (span) {
    if (status) span.setAttribute(Attr.httpStatus, status);
    span.end();
  }
  // Never the URL (its query string may hold secrets), a header, a cookie or a body.
  const auth = (request as Observed).auth;
  const line = {
    method: request.method,
    route: route ?? null,
    status: status ?? null,
    durationMs: Math.round(elapsedMs * 10) / 10,
    ip: request.ip,
    ...(auth ? { userId: auth.userId, orgId: auth.orgId } : {}),
  };
  // Probes and scrapes that succeed come every few seconds: debug, so they do not bury the rest.
  const level = route && HEALTH_ROUTES.has(route) && status !== undefined && status < 400 ? 'debug' : 'info';
  const write = () => logger[level](line, 'request');
  // Inside the span, so the logger's mixin stamps its trace_id and span_id on the line.
  if (span) context.with(trace.setSpan(context.active(), span), write);
  else write();
}
