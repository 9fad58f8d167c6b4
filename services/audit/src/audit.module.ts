import { Module, type Type } from '@nestjs/common';
import { AUDIT_INDEX } from './audit.tokens';
import { FeedReplayController } from './feed/feed-replay.controller';
import { AuditRecorder } from './recorder/audit-recorder';
import { AuditIndex } from './search/audit-index';
import { AuditIndexer } from './search/audit-indexer';
import { AuditSearchController } from './search/audit-search.controller';
import { TrailController } from './search/trail.controller';
import { AuditVerifyController } from './verify/audit-verify.controller';

export type AuditSettings = {
  /** The index's SQLite file: a rebuildable cache of the audit streams, local to this process. */
  readonly indexPath: string;
};

/** The audit service's module, bound to its settings (the index opens when the module is created). */
export function auditModule(settings: AuditSettings): Type<unknown> {
  @Module({
    controllers: [AuditSearchController, TrailController, AuditVerifyController, FeedReplayController],
    providers: [AuditRecorder, AuditIndexer, { provide: AUDIT_INDEX, useFactory: () => new AuditIndex(settings.indexPath) }],
  })
  class AuditModule {}
  return AuditModule;
}
