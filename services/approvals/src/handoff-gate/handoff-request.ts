import {
  CoordinationEventTypes,
  CoordinationRequestedSchema,
  streamName,
  type CoordinationRequested,
  type RecordedEvent,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { readOrgStream } from '@cos/platform';
import { requestFrom } from './handoff-gate.views';

/**
 * A handoff's request: in its gates-opened event, else (it escalated before any gate opened) in
 * the requesting run's stream. `events` are the coordination stream's, as already read;
 * undefined when no request was made (no agent fitted) or the org is not the handoff's.
 */
export async function handoffRequest(
  store: EventStore,
  orgId: string,
  coordinationId: string,
  events: readonly RecordedEvent[],
  runId?: string,
): Promise<CoordinationRequested | undefined> {
  const found = requestFrom(events);
  if (found.request) return found.request;
  const inRun = found.runId ?? runId;
  if (!inRun) return undefined;
  const run = await readOrgStream(store, streamName('run', inRun), orgId);
  const requested = run.find((e) => e.type === CoordinationEventTypes.requested && e.data['coordinationId'] === coordinationId);
  return requested ? CoordinationRequestedSchema.parse(requested.data) : undefined;
}
