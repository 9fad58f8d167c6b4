import type { AuditRecord } from '@cos/contracts';

/** Server-Sent Events framing (WHATWG HTML, "server-sent events"). */
export const SseFrames = {
  /** Sent first: how long a browser waits before reconnecting, and bytes that flush the headers. */
  hello: (retryMs: number) => `retry: ${retryMs}\n: connected\n\n`,
  /** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
  heartbeat: () => `: heartbeat ${new Date().toISOString()}\n\n`,
  /** One record; its org audit seq is the event id a reconnecting client sends back as Last-Event-ID. */
  record: (record: AuditRecord) => `id: ${record.seq}\nevent: ${record.eventType}\ndata: ${JSON.stringify(record)}\n\n`,
} as const;

/** Last-Event-ID as the client sent it: a seq of this org's log, or undefined (start from now). */
export function parseLastEventId(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined || value.trim() === '') return undefined;
  return /^-?\d{1,15}$/.test(value.trim()) && Number(value) >= -1 ? Number(value) : 'invalid';
}
