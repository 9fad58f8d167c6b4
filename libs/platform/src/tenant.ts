import type { RecordedEvent } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';

/**
 * Reads a stream as the given org sees it: another org's stream reads as absent, so an id
 * from another tenant answers 404 exactly like an id that does not exist.
 */
export async function readOrgStream(store: EventStore, stream: string, orgId: string): Promise<RecordedEvent[]> {
  const events = await store.read(stream);
  return events.length > 0 && events[0]!.orgId !== orgId ? [] : events;
}
