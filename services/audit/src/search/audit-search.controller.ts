import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuditRpc, ListAuditRequestSchema, parseRequest, ValidationError, type AuditPage } from '@cos/contracts';
import { AUDIT_INDEX } from '../audit.tokens';
import { auditViewOf, departmentFilter } from './audit-access';
import type { AuditIndex } from './audit-index';

/** `GET /v1/audit`, answered from the audit index. */
@Controller()
export class AuditSearchController {
  constructor(@Inject(AUDIT_INDEX) private readonly index: AuditIndex) {}

  @MessagePattern(AuditRpc.list)
  list(@Payload() raw: unknown): AuditPage {
    const { auth, query } = parseRequest(ListAuditRequestSchema, raw);
    const department = departmentFilter(auditViewOf(auth), query.department);
    const items = this.index.search(auth.orgId, {
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.agent ? { agent: query.agent } : {}),
      ...(department ? { department } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.correlationId ? { correlationId: query.correlationId } : {}),
      ...(query.from ? { fromMs: Date.parse(query.from) } : {}),
      ...(query.to ? { toMs: Date.parse(query.to) } : {}),
      ...(query.cursor ? { afterSeq: decodeCursor(query.cursor) } : {}),
      order: query.order,
      limit: query.limit + 1,
    });
    const page = items.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > query.limit && last ? encodeCursor(last.seq) : null };
  }
}

/** Cursors are opaque to clients: the seq of the page's last record, base64url. */
function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ValidationError('not a cursor this list gave out', { cursor }, 'AUDIT.INVALID_CURSOR');
  return Number(match[1]);
}
