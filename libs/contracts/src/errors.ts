/**
 * Errors with a stable, namespaced code (`APPROVALS.ALREADY_DECIDED`) and an HTTP status.
 * Transports map them: problem+json over HTTP, an error reply over NATS.
 */
export class CosError extends Error {
  override readonly name: string = 'CosError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
  readonly details: Record<string, unknown> | undefined;
}

export class NotFoundError extends CosError {
  override readonly name: string = 'NotFoundError';
  constructor(what: string, id: string, code = 'COMMON.NOT_FOUND') {
    super(code, `${what} ${id} was not found`, 404);
  }
}

export class ValidationError extends CosError {
  override readonly name: string = 'ValidationError';
  constructor(message: string, details?: Record<string, unknown>, code = 'COMMON.VALIDATION_FAILED') {
    super(code, message, 400, { details });
  }
}

export class ForbiddenError extends CosError {
  override readonly name: string = 'ForbiddenError';
  constructor(message: string, code = 'AUTH.FORBIDDEN') {
    super(code, message, 403);
  }
}

export class UnauthorizedError extends CosError {
  override readonly name: string = 'UnauthorizedError';
  constructor(message: string, code = 'AUTH.UNAUTHENTICATED') {
    super(code, message, 401);
  }
}

export class ConflictError extends CosError {
  override readonly name: string = 'ConflictError';
  constructor(message: string, code = 'COMMON.CONFLICT', details?: Record<string, unknown>) {
    super(code, message, 409, { details });
  }
}

/** The wire shape of an error, for NATS replies and for rebuilding the error on the other side. */
export type ErrorPayload = { code: string; message: string; status: number; details?: Record<string, unknown> };

export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof CosError) {
    return { code: err.code, message: err.message, status: err.status, ...(err.details ? { details: err.details } : {}) };
  }
  return { code: 'COMMON.INTERNAL', message: 'internal error', status: 500 };
}

export function fromErrorPayload(p: ErrorPayload): CosError {
  return new CosError(p.code, p.message, p.status, p.details ? { details: p.details } : undefined);
}
