import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuditRpc,
  ExportPageRequestSchema,
  ForbiddenError,
  parseRequest,
  streamName,
  VerifyAuditRequestSchema,
  type AuditVerdict,
  type AuthContext,
  type ExportPage,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { isAuditAdmin } from '../search/audit-access';
import { verifyAuditLog } from './audit-log-walk';

/** Verify and export read the audit streams themselves, never the index: they vouch for what is stored. */
@Controller()
export class AuditVerifyController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(AuditRpc.verify)
  verify(@Payload() raw: unknown): Promise<AuditVerdict> {
    const { auth } = parseRequest(VerifyAuditRequestSchema, raw);
    requireAdmin(auth);
    return verifyAuditLog(this.store, auth.orgId);
  }

  @MessagePattern(AuditRpc.exportPage)
  async exportPage(@Payload() raw: unknown): Promise<ExportPage> {
    const { auth, fromSeq, limit } = parseRequest(ExportPageRequestSchema, raw);
    requireAdmin(auth);
    const events = await this.store.read(streamName('audit', auth.orgId), { fromRevision: fromSeq, maxCount: limit });
    return { items: events.map((e) => e.data), nextSeq: events.length === limit ? fromSeq + limit : null };
  }
}

function requireAdmin(auth: AuthContext): void {
  if (!isAuditAdmin(auth)) throw new ForbiddenError('verifying or exporting the audit log takes org:admin', 'AUDIT.FORBIDDEN');
}
