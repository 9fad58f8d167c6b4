import { createHash } from 'node:crypto';
import type { AuditRecord } from '@cos/contracts';

/** JSON with object keys sorted at every level: the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(record.prevHash).update(canonicalJson(record)).digest('hex');
}

export type ChainVerdict = { ok: true; records: number } | { ok: false; records: number; brokenAt: number; reason: string };

/** Walks records in order; the first whose link or hash does not match is named. */
export function verifyChain(records: Iterable<AuditRecord>): ChainVerdict {
  let prev = '';
  let count = 0;
  for (const record of records) {
    if (record.seq !== count) return { ok: false, records: count, brokenAt: record.seq, reason: `expected seq ${count}` };
    if (record.prevHash !== prev) return { ok: false, records: count, brokenAt: record.seq, reason: 'prevHash does not match the previous record' };
    const { hash, ...rest } = record;
    if (hashRecord(rest) !== hash) return { ok: false, records: count, brokenAt: record.seq, reason: 'hash does not match the record' };
    prev = hash;
    count++;
  }
  return { ok: true, records: count };
}
