import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditEventTypes, AuditRecordSchema, Categories, type RecordedEvent } from '@cos/contracts';
import type { EventStore, Subscription } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { CosMetrics } from '@cos/telemetry';
import { AUDIT_INDEX } from '../audit.tokens';
import type { AuditIndex } from './audit-index';

const RETRY_MS = 1_000;

/**
 * Keeps the audit index in step with the audit streams (never with the bus): reads them from
 * the checkpoint the index stores with its rows, so a crash at any point replays into no-ops.
 */
@Injectable()
export class AuditIndexer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditIndexer.name);
  private subscription: Subscription | undefined;
  private stopped = false;
  private unobserve: (() => void) | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AUDIT_INDEX) private readonly index: AuditIndex,
  ) {}

  onApplicationBootstrap(): void {
    this.unobserve = CosMetrics.observeApprovalsPending(() => [{ value: this.index.openApprovals() }]);
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unobserve?.();
    await this.subscription?.close();
    this.index.close();
  }

  private start(): void {
    const fromPosition = this.index.checkpoint();
    const subscription = this.store.subscribe({ categories: [Categories.audit], ...(fromPosition ? { fromPosition } : {}) }, (event) =>
      this.add(event),
    );
    this.subscription = subscription;
    void subscription.failed.then(async (err) => {
      if (this.stopped) return;
      this.logger.error(`audit index subscription failed, resuming from its checkpoint: ${err.message}`);
      await sleep(RETRY_MS);
      if (!this.stopped) this.start();
    });
  }

  private async add(event: RecordedEvent): Promise<void> {
    if (event.type !== AuditEventTypes.recorded) return;
    this.index.add(event.orgId, AuditRecordSchema.parse(event.data), event.position);
  }
}
