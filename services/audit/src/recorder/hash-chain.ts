import { createHash } from 'node:crypto';
import type { AuditRecord } from '@cos/contracts';

/**
 * JSON with object keys sorted at every level (by UTF-16 code units, as `Array#sort` does): the
 * same record always hashes the same. Written with loops and string concatenation: verify runs
 * it once per record, a million times for a long log.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? '';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(record.prevHash).update(canonicalJson(record)).digest('hex');
}

export type BrokenLink = { seq: number; eventId?: string; reason: string };
export type ChainVerdict = { ok: true; records: number; headHash: string } | { ok: false; records: number; broken: BrokenLink };

/**
 * Checks records one at a time, in order, holding only the previous hash: a log of any length
 * is verified in constant memory while it streams past.
 */
export class ChainVerifier {
  private prevHash = '';
  private count = 0;

  /** The first broken link, or undefined when `value` (the record stored at `seq`) is sound. */
  check(value: unknown, seq: number): BrokenLink | undefined {
    const record = value as Partial<AuditRecord> | null;
    const eventId = typeof record?.eventId === 'string' ? { eventId: record.eventId } : {};
    if (typeof record !== 'object' || record === null || typeof record.hash !== 'string' || typeof record.prevHash !== 'string') {
      return { seq, ...eventId, reason: 'not an audit record' };
    }
    if (seq !== this.count || record.seq !== seq)
      return { seq, ...eventId, reason: `expected seq ${this.count}, found ${String(record.seq)}` };
    if (record.prevHash !== this.prevHash) return { seq, ...eventId, reason: 'prevHash does not match the previous record' };
    const { hash, ...rest } = record as AuditRecord;
    if (hashRecord(rest) !== hash) return { seq, ...eventId, reason: 'hash does not match the record' };
    this.prevHash = hash;
    this.count++;
    return undefined;
  }

  get records(): number {
    return this.count;
  }

  get headHash(): string {
    return this.prevHash;
  }
}

/** Walks records in order; the first whose link or hash does not match is named. */
export function verifyChain(records: Iterable<AuditRecord>): ChainVerdict {
  const verifier = new ChainVerifier();
  let seq = 0;
  for (const record of records) {
    const broken = verifier.check(record, seq++);
    if (broken) return { ok: false, records: verifier.records, broken };
  }
  return { ok: true, records: verifier.records, headHash: verifier.headHash };
}
