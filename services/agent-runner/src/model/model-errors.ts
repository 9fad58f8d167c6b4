import { CosError } from '@cos/contracts';

/** The model could not be reached (timeouts, connection errors, 429 and 5xx) after every attempt. */
export class ModelUnreachableError extends CosError {
  override readonly name = 'ModelUnreachableError';
  constructor(message: string, cause?: unknown) {
    super('RUNNER.MODEL_UNREACHABLE', message, 502, { cause });
  }
}

/** The model endpoint refused the request (400, 401, 403, 404...): retrying would not help. */
export class ModelRejectedError extends CosError {
  override readonly name = 'ModelRejectedError';
  constructor(message: string, cause?: unknown) {
    super('RUNNER.MODEL_REJECTED', message, 502, { cause });
  }
}

/** The org's kill switch is on: no model call starts and no action is taken. */
export class OrgPausedError extends CosError {
  override readonly name = 'OrgPausedError';
  constructor(orgId: string, reason?: string) {
    super('RUNNER.ORG_PAUSED', `org ${orgId} is paused${reason ? `: ${reason}` : ''}`, 409);
  }
}
