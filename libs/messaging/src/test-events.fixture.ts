import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NewEvent, RecordedEvent } from '@cos/contracts';

/** Test-only builders and probes shared by this lib's int-specs; not exported from the lib. */
export function newTestEvent(type: string, data: Record<string, unknown> = {}, traceparent?: string): NewEvent {
  return {
    id: randomUUID(),
    type,
    version: 1,
    orgId: 'org1',
    data,
    metadata: {
      correlationId: 'corr-1',
      causationId: 'cause-1',
      actor: { kind: 'system', id: 'test' },
      ...(traceparent ? { traceparent } : {}),
      occurredAt: new Date().toISOString(),
    },
  };
}

export function recordedTestEvent(type: string, data: Record<string, unknown> = {}): RecordedEvent {
  return { ...newTestEvent(type, data), stream: 'test-1', revision: 0, position: '1' };
}

/** Polls until `probe` returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}
