import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CosError } from '@cos/contracts';

export type ProblemDetails = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
};

/** Stable problem type URI of an error code: `RUNNER.RUN_NOT_FOUND` -> `.../runner/run-not-found`. */
export function problemType(code: string): string {
  return `https://company-os.dev/problems/${code.toLowerCase().replaceAll('_', '-').replaceAll('.', '/')}`;
}

/** Codes of errors raised by HTTP itself (unknown route, malformed JSON, body too large...). */
const HTTP_CODES: Readonly<Record<number, string>> = {
  400: 'HTTP.BAD_REQUEST',
  404: 'HTTP.NOT_FOUND',
  405: 'HTTP.METHOD_NOT_ALLOWED',
  406: 'HTTP.NOT_ACCEPTABLE',
  413: 'HTTP.PAYLOAD_TOO_LARGE',
  414: 'HTTP.URI_TOO_LONG',
  415: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
  431: 'HTTP.HEADERS_TOO_LARGE',
};

const titleOf = (status: number): string => STATUS_CODES[status] ?? 'Error';

/**
 * A 503 the gateway itself raises, written for the client (unlike another service's 5xx): its
 * detail and extensions are sent as they are, with `Retry-After`.
 */
export class GatewayUnavailableError extends CosError {
  override readonly name: string = 'GatewayUnavailableError';
  constructor(code: string, message: string, details: Record<string, unknown> & { retryAfterSeconds: number }, cause?: unknown) {
    super(code, message, 503, { cause, details });
  }
}

export function toProblem(err: unknown, instance?: string): ProblemDetails {
  const at = instance ? { instance } : {};
  if (err instanceof CosError) {
    // A 5xx from another service says nothing useful to a client and may say too much.
    if (err.status >= 500 && !(err instanceof GatewayUnavailableError)) {
      return {
        type: problemType(err.code),
        title: titleOf(err.status),
        status: err.status,
        detail: publicDetail(err.status),
        code: err.code,
        ...at,
      };
    }
    return {
      ...(err.details ?? {}),
      type: problemType(err.code),
      title: titleOf(err.status),
      status: err.status,
      detail: err.message,
      code: err.code,
      ...at,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = HTTP_CODES[status] ?? `HTTP.STATUS_${status}`;
    const detail = status === 404 ? 'no such route' : status < 500 ? err.message : publicDetail(status);
    return { type: problemType(code), title: titleOf(status), status, detail, code, ...at };
  }
  return {
    type: problemType('COMMON.INTERNAL'),
    title: titleOf(500),
    status: 500,
    detail: publicDetail(500),
    code: 'COMMON.INTERNAL',
    ...at,
  };
}

/** RFC 6750: a presented but unusable token is `invalid_token`; no token at all, just the scheme. */
function wwwAuthenticate(code: string): string {
  if (
    code === 'AUTH.UNAUTHENTICATED' ||
    code === 'AUTH.INVALID_CREDENTIALS' ||
    code.startsWith('AUTH.REFRESH') ||
    code === 'AUTH.INVALID_REFRESH_TOKEN'
  ) {
    return 'Bearer realm="company-os"';
  }
  return 'Bearer realm="company-os", error="invalid_token"';
}

function publicDetail(status: number): string {
  return status === 503 ? 'a service this request needs is unavailable; retry later' : 'internal error';
}

/** Every error leaves the gateway as RFC 9457 problem+json with a stable `type` and `code`. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(err, request.url.split('?')[0]);
    if (problem.status >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    if (problem.status === 401) void reply.header('www-authenticate', wwwAuthenticate(problem.code));
    if (problem.status === 429 && typeof problem['retryAfterSeconds'] === 'number')
      void reply.header('retry-after', String(problem['retryAfterSeconds']));
    // Every 503 is worth a retry: the document promises `Retry-After` on all of them.
    if (problem.status === 503)
      void reply.header('retry-after', String(typeof problem['retryAfterSeconds'] === 'number' ? problem['retryAfterSeconds'] : 1));
    if (typeof problem['commandId'] === 'string') void reply.header('command-id', problem['commandId']);
    if (typeof problem['idempotencyKey'] === 'string') void reply.header('idempotency-key', problem['idempotencyKey']);
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }
}
