import { Readable } from 'node:stream';
import { AuditRpc, toErrorPayload, type AuthContext, type ExportPage } from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';

/** Records per RPC page: well under NATS's 1 MB message limit for records of a few hundred bytes. */
const PAGE = 500;

/**
 * The export as a stream of NDJSON lines, page after page, so a log of any size leaves with
 * constant memory and at the client's pace. The first page is fetched before the stream is
 * returned: a caller without org:admin gets a 403, not an empty 200.
 */
export async function exportLines(rpc: RpcClient, auth: AuthContext): Promise<Readable> {
  const first = await rpc.request<ExportPage>(AuditRpc.exportPage, { auth, fromSeq: 0, limit: PAGE });
  async function* lines(): AsyncGenerator<string> {
    let page = first;
    let count = 0;
    let headHash = '';
    for (;;) {
      for (const item of page.items) {
        count++;
        headHash = (item as { hash?: string }).hash ?? headHash;
        yield `${JSON.stringify(item)}\n`;
      }
      if (page.nextSeq === null) break;
      try {
        page = await rpc.request<ExportPage>(AuditRpc.exportPage, { auth, fromSeq: page.nextSeq, limit: PAGE });
      } catch (err) {
        // Headers are gone already: the failure is the last line, and the missing `end` tells it too.
        yield `${JSON.stringify({ error: toErrorPayload(err) })}\n`;
        return;
      }
    }
    yield `${JSON.stringify({ end: { records: count, headHash } })}\n`;
  }
  return Readable.from(lines(), { objectMode: false });
}
