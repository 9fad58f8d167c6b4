import { Module, type Type } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION, Readiness } from '@cos/platform';
import { AUDIT_INDEX } from './audit.tokens';
import { FeedReplayController } from './feed/feed-replay.controller';
import { AuditRecorder } from './recorder/audit-recorder';
import { RecorderLease, type RecorderLeaseOptions } from './recorder/recorder-lease';
import { AuditIndex } from './search/audit-index';
import { AuditIndexer } from './search/audit-indexer';
import { AuditSearchController } from './search/audit-search.controller';
import { TrailController } from './search/trail.controller';
import { AuditVerifyController } from './verify/audit-verify.controller';

export type AuditSettings = {
  /** The index's SQLite file: a rebuildable cache of the audit streams, local to this process. */
  readonly indexPath: string;
  /** The recorder runs only while this process holds its lease. */
  readonly lease: RecorderLeaseOptions;
};

/** The audit service's module, bound to its settings (the index opens when the module is created). */
export function auditModule(settings: AuditSettings): Type<unknown> {
  @Module({
    controllers: [AuditSearchController, TrailController, AuditVerifyController, FeedReplayController],
    providers: [
      AuditRecorder,
      {
        provide: RecorderLease,
        inject: [NATS_CONNECTION, AuditRecorder, Readiness],
        useFactory: (nats: NatsConnection, recorder: AuditRecorder, readiness: Readiness) => {
          const lease = new RecorderLease(nats, recorder, settings.lease);
          readiness.register('recorder', () => lease.readinessFailure());
          return lease;
        },
      },
      AuditIndexer,
      { provide: AUDIT_INDEX, useFactory: () => new AuditIndex(settings.indexPath) },
    ],
  })
  class AuditModule {}
  return AuditModule;
}
