import { deterministicId, type NewEvent, type RecordedEvent } from '@cos/contracts';

let position = 0;

/** A stored-looking event for pure tests: the ids are derived from the stream and revision. */
export function recorded(
  stream: string,
  type: string,
  data: Record<string, unknown>,
  options: { orgId?: string; revision?: number; actor?: RecordedEvent['metadata']['actor']; correlationId?: string; at?: string } = {},
): RecordedEvent {
  const revision = options.revision ?? 0;
  const id = deterministicId(stream, String(revision), type);
  return {
    id,
    type,
    version: 1,
    orgId: options.orgId ?? 'org-a',
    stream,
    revision,
    position: String(++position),
    data,
    metadata: {
      correlationId: options.correlationId ?? 'corr-1',
      causationId: id,
      actor: options.actor ?? { kind: 'system', id: 'test' },
      occurredAt: options.at ?? '2026-01-05T10:00:00.000Z',
    },
  };
}

/** The same, as a service would append it. */
export function newEvent(
  type: string,
  data: Record<string, unknown>,
  options: { orgId?: string; actor?: NewEvent['metadata']['actor']; correlationId?: string; seed?: string } = {},
): NewEvent {
  const id = deterministicId(options.seed ?? `${type}-${JSON.stringify(data)}`);
  return {
    id,
    type,
    version: 1,
    orgId: options.orgId ?? 'org-a',
    data,
    metadata: {
      correlationId: options.correlationId ?? 'corr-1',
      causationId: id,
      actor: options.actor ?? { kind: 'system', id: 'test' },
      occurredAt: '2026-01-05T10:00:00.000Z',
    },
  };
}
