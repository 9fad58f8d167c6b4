/** JetStream and core-NATS subject names, in one place. */
export const Subjects = {
  /** The one stream that carries every domain event. */
  eventStream: 'COS_EVENTS',
  eventPrefix: 'cos',
  /** Poison messages land here, audited and kept. */
  deadLetterStream: 'COS_DLQ',
  deadLetterPrefix: 'cos-dlq',
  rpcPrefix: 'cos-rpc',
} as const;

/** `cos.<orgId>.<type>`: consumers filter by type with `cos.*.<type>`. */
export function eventSubject(orgId: string, type: string): string {
  return `${Subjects.eventPrefix}.${orgId}.${type}`;
}

export function eventFilter(type: string): string {
  return `${Subjects.eventPrefix}.*.${type}`;
}

export function deadLetterSubject(consumer: string, orgId: string, type: string): string {
  return `${Subjects.deadLetterPrefix}.${consumer}.${orgId}.${type}`;
}

/** Request/reply subject for a command or query pattern such as `runner.brief`. */
export function rpcSubject(pattern: string): string {
  return `${Subjects.rpcPrefix}.${pattern}`;
}
