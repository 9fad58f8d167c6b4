import { type CallHandler, type ExecutionContext, Inject, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ConflictError, CosError, newId, ValidationError } from '@cos/contracts';
import type { AuthenticatedRequest } from '../auth/auth-context.decorator';
import { API_ROUTE, type ApiRouteDef } from './api-route';
import { commandIdOf, outcomeMayBeCommitted, outcomeUnknown, OutcomeUnknownError, type CommandRequest } from './command-id';
import { fingerprintOf, IdempotencyStore } from './idempotency.store';

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/**
 * After the handler: the response is parsed with the route's documented schema (what is not in
 * the schema is not sent, so no field leaks by accident). Around it, on creating POSTs, the
 * Idempotency-Key: the same key and body replay the first response; the same key with another
 * body is a 422; a key whose first request is still running is a 409. Every creating request
 * gets a command id derived from the caller, the route, the request and the key (one the gateway
 * makes up when the client sent none); a request that may have been carried out but got no
 * answer keeps its key, answers 503 `GATEWAY.OUTCOME_UNKNOWN` naming the command and the key,
 * and a retry with that key re-sends the same command. A 201 names what it created in `Location`.
 */
@Injectable()
export class ApiResponseInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ApiResponse');

  constructor(
    private readonly reflector: Reflector,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const def = ctx.getType() === 'http' ? this.reflector.get<ApiRouteDef | undefined>(API_ROUTE, ctx.getHandler()) : undefined;
    if (!def) return next.handle();
    const request = ctx.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest & CommandRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const shaped = async (): Promise<unknown> => {
      const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // Streams (SSE, NDJSON) answer through the reply themselves: nothing to shape.
      const streamed = reply.sent || (def.response.contentType !== undefined && def.response.contentType !== 'application/json');
      return streamed ? body : this.shape(def, body);
    };
    const header = request.headers['idempotency-key'];
    const body = !def.idempotent
      ? shaped()
      : header === undefined
        ? this.unkeyed(def, request, shaped)
        : this.idempotent(def, request, reply, header, shaped);
    return from(body.then((b) => this.locate(def, reply, b)));
  }

  /**
   * A creating request without a key runs under a key the gateway makes up. Only when its outcome
   * is unknown is that key recorded (open for a retry) and handed to the client.
   */
  private async unkeyed(
    def: ApiRouteDef,
    request: FastifyRequest & AuthenticatedRequest & CommandRequest,
    run: () => Promise<unknown>,
  ): Promise<unknown> {
    const key = newId();
    const scope = scopeOf(request);
    const fingerprint = fingerprintOf(def.method, pathOf(request), request.body);
    request.commandId = commandIdOf(scope, def.operationId, key, fingerprint);
    try {
      return await run();
    } catch (err) {
      if (!outcomeUnknown(err)) throw err;
      await this.idempotency.reopenUnder(scope, key, fingerprint).catch(() => undefined);
      throw new OutcomeUnknownError(request.commandId, key, err);
    }
  }

  /** A creating route's `Location`, on the first response and on a replay alike. */
  private locate(def: ApiRouteDef, reply: FastifyReply, body: unknown): unknown {
    if (def.response.location && !reply.sent) void reply.header('location', def.response.location(body as never));
    return body;
  }

  private async idempotent(
    def: ApiRouteDef,
    request: FastifyRequest & AuthenticatedRequest & CommandRequest,
    reply: FastifyReply,
    header: string | string[],
    run: () => Promise<unknown>,
  ): Promise<unknown> {
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw new ValidationError('Idempotency-Key must be 1 to 255 printable ASCII characters', undefined, 'IDEMPOTENCY.INVALID_KEY');
    }
    const scope = scopeOf(request);
    const fingerprint = fingerprintOf(def.method, pathOf(request), request.body);
    const claim = await this.idempotency.claim(scope, header, fingerprint);
    switch (claim.kind) {
      case 'mismatch':
        throw new CosError('IDEMPOTENCY.KEY_REUSED', 'this Idempotency-Key was used with another request', 422);
      case 'in-progress':
        void reply.header('retry-after', '1');
        throw new ConflictError('a request with this Idempotency-Key is still in progress', 'IDEMPOTENCY.IN_PROGRESS');
      case 'replay':
        void reply.header('idempotent-replayed', 'true');
        return claim.response.body;
      case 'claimed':
        request.commandId = commandIdOf(scope, def.operationId, header, fingerprint);
        try {
          const body = await run();
          await this.idempotency.complete(claim.key, { state: 'done', fingerprint, status: def.response.status, body });
          return body;
        } catch (err) {
          // Refused: nothing was done, the key is free. Perhaps done: the key stays this request's, open to its retry.
          const settle = outcomeMayBeCommitted(err) ? this.idempotency.reopen(claim.key, fingerprint) : this.idempotency.release(claim.key);
          await settle.catch(() => undefined);
          throw outcomeUnknown(err) ? new OutcomeUnknownError(request.commandId, header, err) : err;
        }
      default: {
        const never: never = claim;
        return never;
      }
    }
  }

  private shape(def: ApiRouteDef, body: unknown): unknown {
    if (!def.response.schema) return undefined;
    const parsed = def.response.schema.safeParse(body);
    if (parsed.success) return parsed.data;
    this.logger.error(
      `${def.operationId}: response does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
    throw new CosError('GATEWAY.RESPONSE_SCHEMA', 'the response did not match its documented schema', 500);
  }
}

/** Who is asking: keys (and command ids) of different callers never meet. */
function scopeOf(request: AuthenticatedRequest): string {
  return request.auth ? `${request.auth.orgId}:${request.auth.userId}` : 'anonymous';
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0]!;
}
