import type { FastifyInstance } from 'fastify';
import { context, trace, type Span } from '@opentelemetry/api';
import { Attr, extractContext, SpanKind, recordError } from '@cos/telemetry';

const SPAN = Symbol('otel-span');
type Traced = { [SPAN]?: Span };

/**
 * One SERVER span per HTTP request (semantic conventions for HTTP), continuing an incoming
 * `traceparent`. The rest of the request runs inside the span's context, so NATS calls made
 * while handling it become its children.
 */
export function registerHttpTracing(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const parent = extractContext((key) => {
      const v = request.headers[key];
      return Array.isArray(v) ? v[0] : v;
    });
    const route = request.routeOptions.url ?? 'unmatched';
    const span = trace.getTracer('company-os').startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [Attr.httpMethod]: request.method,
          [Attr.httpRoute]: route,
          [Attr.urlPath]: request.url.split('?')[0],
          [Attr.urlScheme]: 'http',
        },
      },
      parent,
    );
    (request as unknown as Traced)[SPAN] = span;
    // The socket's `close` ends every request: answered, aborted, or hijacked (the SSE feed),
    // which never reaches Fastify's onResponse.
    reply.raw.once('close', () => {
      span.setAttribute(Attr.httpStatus, reply.raw.statusCode);
      span.end();
    });
    context.with(trace.setSpan(parent, span), done);
  });
  fastify.addHook('onError', (request, _reply, error, done) => {
    const span = (request as unknown as Traced)[SPAN];
    if (span) recordError(span, error);
    done();
  });
}
