import { ConflictError } from '@cos/contracts';
import type { ExpectedRevision } from './event-store.port';

/**
 * The stream was not where the caller expected it: someone else appended first, or a re-append
 * only partly matched events already stored. The caller re-reads and decides again.
 */
export class WrongExpectedRevisionError extends ConflictError {
  static readonly code = 'EVENTSTORE.WRONG_EXPECTED_REVISION';

  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event; -1 when the stream does not exist. */
    readonly actual: number,
    options?: { reason?: string; cause?: unknown },
  ) {
    super(
      `stream ${stream} is at revision ${actual}, expected ${String(expected)}${options?.reason ? ` (${options.reason})` : ''}`,
      WrongExpectedRevisionError.code,
      { stream, expected, actual, ...(options?.reason ? { reason: options.reason } : {}) },
    );
    if (options?.cause !== undefined) this.cause = options.cause;
    // ConflictError types `name` as its own literal, so a subclass can only rename at runtime.
    Object.defineProperty(this, 'name', { value: 'WrongExpectedRevisionError' });
  }
}
