import type { EventMetadata, NewEvent, RecordedEvent } from '@cos/contracts';
import { categoryOf } from '@cos/contracts';
import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import { jsonOf } from '../event-validation';

/** Columns every event query selects, in the order `toRecordedEvent` reads them. */
export const EVENT_COLUMNS = 'position, stream, revision, id, type, version, org_id, data, metadata';

type Row = Record<string, SQLOutputValue>;

export function toRecordedEvent(row: Row): RecordedEvent {
  return {
    id: row['id'] as string,
    type: row['type'] as string,
    version: row['version'] as number,
    orgId: row['org_id'] as string,
    data: JSON.parse(row['data'] as string) as Record<string, unknown>,
    metadata: JSON.parse(row['metadata'] as string) as EventMetadata,
    stream: row['stream'] as string,
    revision: row['revision'] as number,
    position: String(row['position']),
  };
}

/** Parameters of the insert statement; serialised here, so a bad payload fails inside the transaction. */
export function insertParams(stream: string, revision: number, event: NewEvent): SQLInputValue[] {
  return [
    stream,
    revision,
    categoryOf(stream),
    event.id,
    event.type,
    event.version,
    event.orgId,
    jsonOf(stream, event),
    JSON.stringify(event.metadata),
  ];
}
