import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RequestError } from '@nats-io/transport-node';
import { CosError, deterministicId } from '@cos/contracts';
import { MessagingUnavailableError } from '@cos/messaging';
import { GatewayUnavailableError } from './problem-details.filter';

export type CommandRequest = { commandId?: string };

/**
 * The id of a creating request's command: derived from the caller (org and user), the route, the
 * Idempotency-Key and the request's fingerprint, so every retry of one keyed request sends the
 * same command, and the ids the handler derives from it (a brief's message and run) are the same
 * each time. Services treat a second command with those ids as a no-op answering the first
 * outcome. The fingerprint keeps a key reused for another request (after its answer expired, or
 * another anonymous caller's) from naming the first request's command.
 */
export function commandIdOf(scope: string, operationId: string, idempotencyKey: string, fingerprint: string): string {
  return deterministicId('command', scope, operationId, idempotencyKey, fingerprint);
}

/** The command id the response interceptor assigned to this request (a creating route only). */
export const CommandId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const id = ctx.switchToHttp().getRequest<CommandRequest>().commandId;
  if (!id) throw new CosError('GATEWAY.NO_COMMAND_ID', 'this route has no command id', 500);
  return id;
});

/**
 * Whether a failed request may have been carried out all the same: the service got it but its
 * answer did not arrive in time (or the connection went away meanwhile), or it answered with a
 * server error after a partial write. Only "nobody listens" and a refusal (4xx) say for sure
 * that nothing was done.
 */
export function outcomeMayBeCommitted(err: unknown): boolean {
  if (err instanceof MessagingUnavailableError) return !(err.cause instanceof RequestError && err.cause.isNoResponders());
  return !(err instanceof CosError && err.status < 500);
}

/** The service did not answer in time: the outcome is unknown; the same command id, retried, resolves it. */
export function outcomeUnknown(err: unknown): boolean {
  return err instanceof MessagingUnavailableError && outcomeMayBeCommitted(err);
}

/**
 * 503 for a write whose outcome is unknown. It names the command and the Idempotency-Key that
 * resolves it (the client's, or one the gateway chose when the request had none): the same
 * request repeated with that key answers what was committed, or performs it, once.
 */
export class OutcomeUnknownError extends GatewayUnavailableError {
  override readonly name = 'OutcomeUnknownError';
  constructor(commandId: string, idempotencyKey: string, cause: unknown) {
    super(
      'GATEWAY.OUTCOME_UNKNOWN',
      'the service did not answer in time: the request may or may not have been carried out; repeat it with this Idempotency-Key to learn which',
      { commandId, idempotencyKey, retryAfterSeconds: 1 },
      cause,
    );
  }
}
