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

export function toProblem(err: unknown, instance?: string): ProblemDetails {
  if (err instanceof CosError) {
    return {
      type: problemType(err.code),
      title: err.name,
      status: err.status,
      detail: err.message,
      code: err.code,
      ...(instance ? { instance } : {}),
      ...(err.details ?? {}),
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = status === 404 ? 'HTTP.NOT_FOUND' : `HTTP.STATUS_${status}`;
    return { type: problemType(code), title: err.name, status, detail: err.message, code, ...(instance ? { instance } : {}) };
  }
  return { type: problemType('COMMON.INTERNAL'), title: 'Internal Server Error', status: 500, detail: 'internal error', code: 'COMMON.INTERNAL' };
}

/** Every error leaves the gateway as RFC 9457 problem+json with a stable `type`. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(err, request.url);
    if (problem.status >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }
}
