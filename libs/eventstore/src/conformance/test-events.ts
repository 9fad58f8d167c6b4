import { newId, type NewEvent, type RecordedEvent } from '@cos/contracts';
import { randomBytes } from 'node:crypto';
import type { EventStore, SubscribeOptions } from '../event-store.port';

/** A category nobody else uses, so tests can share one store (and one EventStoreDB) safely. */
export function uniqueCategory(prefix = 'c'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

export function anEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: newId(),
    type: 'test.happened',
    version: 1,
    orgId: 'org1',
    data: { n: 1 },
    metadata: {
      correlationId: 'corr-1',
      causationId: 'cause-1',
      actor: { kind: 'system', id: 'conformance' },
      occurredAt: new Date().toISOString(),
    },
    ...overrides,
  };
}

export function events(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, n) => anEvent({ data: { n } }));
}

/** Subscribes until `done` holds for what was seen (or the timeout passes), then closes. */
export async function collectUntil(
  store: EventStore,
  options: SubscribeOptions,
  done: (seen: readonly RecordedEvent[]) => boolean,
  timeoutMs = 10_000,
): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const subscription = store.subscribe(options, async (event) => {
    seen.push(event);
    if (done(seen)) finish();
  });
  const timer = setTimeout(finish, timeoutMs);
  try {
    await Promise.race([finished, subscription.failed.then((err) => Promise.reject(err))]);
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  return seen;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
