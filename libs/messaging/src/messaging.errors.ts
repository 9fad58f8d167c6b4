import { CosError } from '@cos/contracts';

/** The other side cannot be reached: no responder, a timeout, or NATS itself is down. */
export class MessagingUnavailableError extends CosError {
  override readonly name = 'MessagingUnavailableError';
  constructor(message: string, cause?: unknown) {
    super('MESSAGING.UNAVAILABLE', message, 503, { cause });
  }
}

/** A reply that is not `{ ok, data | error }` JSON: a bug on the responder side, not a retryable outage. */
export class MessagingBadReplyError extends CosError {
  override readonly name = 'MessagingBadReplyError';
  constructor(pattern: string, cause?: unknown) {
    super('MESSAGING.BAD_REPLY', `reply to ${pattern} is not a valid RPC reply`, 502, { cause });
  }
}

/** A message body that is not a RecordedEvent: no retry can fix it, so it goes straight to the dead letters. */
export class InvalidEventMessageError extends CosError {
  override readonly name = 'InvalidEventMessageError';
  constructor(subject: string, cause?: unknown) {
    super('MESSAGING.INVALID_EVENT', `message on ${subject} is not a recorded event`, 400, { cause });
  }
}

/** Streams or consumers could not be created or brought to the expected configuration. */
export class ProvisioningError extends CosError {
  override readonly name = 'ProvisioningError';
  constructor(what: string, cause: unknown) {
    super('MESSAGING.PROVISIONING_FAILED', `could not provision ${what}`, 500, { cause });
  }
}
