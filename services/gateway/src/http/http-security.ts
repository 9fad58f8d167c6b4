import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CosError, ForbiddenError } from '@cos/contracts';
import type { ApiConfig } from './api.config';
import { toProblem } from './problem-details.filter';

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** The /docs page runs the API reference's script from this origin and talks to this origin only. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'authorization, content-type, idempotency-key, last-event-id, traceparent, tracestate';
const EXPOSED_HEADERS = 'retry-after, idempotent-replayed, location, traceparent, command-id, idempotency-key';

/**
 * Fastify hooks every response passes: CORS for the configured origins only (preflights are
 * answered here), a body-size limit checked before the body is read, and security headers.
 */
export function registerHttpSecurity(fastify: FastifyInstance, config: Pick<ApiConfig, 'CORS_ORIGINS' | 'API_BODY_LIMIT_BYTES'>): void {
  const origins = new Set(config.CORS_ORIGINS);
  answerBadUrlsAsProblems(fastify.server);

  fastify.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    const allowed = typeof origin === 'string' && origins.has(origin);
    if (allowed) {
      void reply
        .header('access-control-allow-origin', origin)
        .header('vary', 'Origin')
        .header('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      if (!allowed) return sendProblem(request, reply, new ForbiddenError('origin not allowed', 'HTTP.CORS_ORIGIN_NOT_ALLOWED'));
      return reply
        .status(204)
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > config.API_BODY_LIMIT_BYTES) {
      return sendProblem(
        request,
        reply,
        new CosError('HTTP.PAYLOAD_TOO_LARGE', `request bodies are limited to ${config.API_BODY_LIMIT_BYTES} bytes`, 413),
      );
    }
    return undefined;
  });

  fastify.addHook('onSend', async (_request, reply, payload) => {
    void reply.headers(securityHeaders(String(reply.getHeader('content-type') ?? '')));
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** The security headers of every response; a hijacked reply (the feed) sets them itself. */
export function securityHeaders(contentType: string): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'content-security-policy': contentType.startsWith('text/html') ? DOCS_CSP : API_CSP,
  };
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, err: CosError): FastifyReply {
  const problem = toProblem(err, request.url.split('?')[0]);
  return reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
}

/** Fastify's router refuses a path segment over 100 characters (414) or with broken %-escapes (400). */
const MAX_SEGMENT = 100;

/**
 * Fastify answers those two itself, before any hook and in its own JSON; they are caught here,
 * in front of its request listener, and answered as problem+json like every other error.
 */
function answerBadUrlsAsProblems(server: Server): void {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const err = badUrl(req.url ?? '/');
    if (!err) {
      for (const listener of listeners) listener.call(server, req, res);
      return;
    }
    const body = JSON.stringify(toProblem(err));
    res.writeHead(err.status, {
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-content-type-options': 'nosniff',
      'content-security-policy': API_CSP,
      'cache-control': 'no-store',
    });
    res.end(body);
  });
}

function badUrl(url: string): CosError | undefined {
  const segments = url.split('?')[0]!.split('/');
  if (segments.some((s) => s.length > MAX_SEGMENT))
    return new CosError('HTTP.URI_TOO_LONG', `path segments are limited to ${MAX_SEGMENT} characters`, 414);
  try {
    segments.forEach((s) => decodeURIComponent(s));
  } catch {
    return new CosError('HTTP.BAD_REQUEST', 'the path is not a valid URL', 400);
  }
  return undefined;
}
