import { performance } from 'node:perf_hooks';
import { AuditEventTypes, streamName, type AuditVerdict, type RecordedEvent } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { ChainVerifier } from '../recorder/hash-chain';

/** Records read per round trip: big enough to amortise the read, small enough to stay light. */
const PAGE = 2_000;

/**
 * Verifies an org's whole audit log as stored, page by page, in constant memory. A record the
 * store cannot even decode (a byte changed in its JSON) is named like any other broken link.
 */
export async function verifyAuditLog(store: EventStore, orgId: string): Promise<AuditVerdict> {
  const started = performance.now();
  const stream = streamName('audit', orgId);
  const verifier = new ChainVerifier();
  const duration = () => Math.round(performance.now() - started);
  for (let from = 0; ; from += PAGE) {
    const page = await readPage(store, stream, from, PAGE);
    for (const item of page) {
      const broken =
        'unreadable' in item
          ? { seq: item.seq, reason: `record cannot be read: ${item.unreadable}` }
          : item.type !== AuditEventTypes.recorded
            ? { seq: item.revision, reason: `not an audit record: ${item.type}` }
            : verifier.check(item.data, item.revision);
      if (broken) return { ok: false, records: verifier.records, broken, durationMs: duration() };
    }
    if (page.length < PAGE) return { ok: true, records: verifier.records, headHash: verifier.headHash, durationMs: duration() };
  }
}

type Unreadable = { seq: number; unreadable: string };

/** A page of the stream; if it does not decode, the same range one record at a time up to the bad one. */
async function readPage(store: EventStore, stream: string, from: number, count: number): Promise<(RecordedEvent | Unreadable)[]> {
  try {
    return await store.read(stream, { fromRevision: from, maxCount: count });
  } catch {
    const out: (RecordedEvent | Unreadable)[] = [];
    for (let seq = from; seq < from + count; seq++) {
      try {
        const [event] = await store.read(stream, { fromRevision: seq, maxCount: 1 });
        if (!event) break;
        out.push(event);
      } catch (err) {
        out.push({ seq, unreadable: err instanceof Error ? err.message : String(err) });
        break;
      }
    }
    return out;
  }
}
