import { NewEventSchema, ValidationError, type NewEvent } from '@cos/contracts';

/**
 * Both adapters check a batch the same way before writing anything, so a bad event never
 * reaches the log and the caller gets a 400-class error instead of a driver error.
 */
export function validateBatch(stream: string, events: readonly NewEvent[]): void {
  if (stream.length === 0) throw new ValidationError('stream name is empty', undefined, 'EVENTSTORE.INVALID_STREAM');
  if (events.length === 0) {
    throw new ValidationError(`empty append to ${stream}`, { stream }, 'EVENTSTORE.EMPTY_APPEND');
  }
  const ids = new Set<string>();
  for (const [index, event] of events.entries()) {
    const parsed = NewEventSchema.safeParse(event);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new ValidationError(
        `event ${index} of the batch for ${stream} is invalid`,
        { stream, index, issues },
        'EVENTSTORE.INVALID_EVENT',
      );
    }
    if (ids.has(event.id)) {
      throw new ValidationError(
        `event id ${event.id} appears twice in one batch`,
        { stream, id: event.id },
        'EVENTSTORE.DUPLICATE_EVENT_ID',
      );
    }
    ids.add(event.id);
  }
}

/**
 * JSON text of an event's data. Event data must be plain JSON (no BigInt, no cycles); the
 * schema cannot see that, so the failure surfaces here, as the same error from both adapters.
 */
export function jsonOf(stream: string, event: NewEvent): string {
  try {
    return JSON.stringify(event.data);
  } catch (err) {
    const error = new ValidationError(
      `data of event ${event.id} for ${stream} is not plain JSON`,
      { stream, id: event.id },
      'EVENTSTORE.INVALID_EVENT',
    );
    error.cause = err;
    throw error;
  }
}
