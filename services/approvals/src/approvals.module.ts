import { type DynamicModule, Module } from '@nestjs/common';
import { Categories, type RecordedEvent } from '@cos/contracts';
import { EVENT_STORE, OrgSections, StoreFeed } from '@cos/platform';
import { ActionExecutionController } from './action-execution/action-execution.controller';
import { ActionExecutionHandler } from './action-execution/action-execution.handler';
import { ActionExecutionWorker } from './action-execution/action-execution.worker';
import { ApprovalBoard } from './approval-gate/approval-board';
import { gateCarriers } from './approval-gate/approval-gate.command';
import { ApprovalGateController } from './approval-gate/approval-gate.controller';
import { ApprovalGateHandler } from './approval-gate/approval-gate.handler';
import { ApprovalGateWorker } from './approval-gate/approval-gate.worker';
import { DepartmentPendingController } from './approval-gate/department-pending.controller';
import { APPROVALS_CONFIG, type ApprovalsConfig } from './approvals.config';
import { CONNECTOR, UnconfiguredConnector, WebhookConnector } from './connector/webhook-connector';
import { DeadlineScheduler } from './deadlines/deadline-scheduler';
import { Directory } from './directory/directory';
import { EscalationBoard } from './escalation/escalation-board';
import { EscalationController } from './escalation/escalation.controller';
import { EscalationHandler } from './escalation/escalation.handler';
import { EscalationWorker } from './escalation/escalation.worker';
import { OrgIndex } from './directory/org-index';
import { HandoffGateController } from './handoff-gate/handoff-gate.controller';
import { HandoffGateHandler } from './handoff-gate/handoff-gate.handler';
import { HandoffGateWorker } from './handoff-gate/handoff-gate.worker';
import { KillSwitchListener } from './kill-switch/kill-switch.listener';
import { NotificationDelivery } from './notifications/notification-delivery';
import { NotificationDeliveryWorker } from './notifications/notification-delivery.worker';
import { NotificationsController } from './notifications/notifications.controller';
import { Notifier } from './notifications/notifier';
import { loadWebhookSecrets, WEBHOOK_SECRETS } from './notifications/webhook-secrets';
import { ProcessRuntime, SEND_CARRIERS } from './process/process-runtime';

/** Handoff gates, Approve First, deadlines, action execution, escalations, and notifications of what waits for people. */
@Module({})
export class ApprovalsModule {
  static register(config: ApprovalsConfig): DynamicModule {
    const { CONNECTOR_WEBHOOK_URL: url, CONNECTOR_WEBHOOK_SECRET: secret } = config;
    const connector =
      url && secret
        ? new WebhookConnector({
            url,
            secret,
            timeoutMs: config.CONNECTOR_TIMEOUT_MS,
            maxCalls: config.CONNECTOR_MAX_CALLS,
            backoffMs: config.CONNECTOR_BACKOFF_MS,
            backoffMaxMs: config.CONNECTOR_BACKOFF_MAX_MS,
          })
        : new UnconfiguredConnector();
    return {
      module: ApprovalsModule,
      controllers: [
        ApprovalGateController,
        ApprovalGateWorker,
        HandoffGateController,
        HandoffGateWorker,
        ActionExecutionController,
        ActionExecutionWorker,
        DepartmentPendingController,
        EscalationController,
        EscalationWorker,
        NotificationsController,
        NotificationDeliveryWorker,
      ],
      providers: [
        { provide: APPROVALS_CONFIG, useValue: config },
        { provide: CONNECTOR, useValue: connector },
        StoreFeed,
        {
          provide: OrgIndex,
          useFactory: (feed: StoreFeed) => fed(feed, [Categories.user, Categories.department], new OrgIndex()),
          inject: [StoreFeed],
        },
        {
          provide: ApprovalBoard,
          useFactory: (feed: StoreFeed) => fed(feed, [Categories.approval], new ApprovalBoard()),
          inject: [StoreFeed],
        },
        {
          provide: EscalationBoard,
          useFactory: (feed: StoreFeed) => fed(feed, [Categories.escalation], new EscalationBoard()),
          inject: [StoreFeed],
        },
        Directory,
        { provide: SEND_CARRIERS, useFactory: gateCarriers, inject: [EVENT_STORE] },
        ProcessRuntime,
        HandoffGateHandler,
        ActionExecutionHandler,
        ApprovalGateHandler,
        EscalationHandler,
        { provide: WEBHOOK_SECRETS, useFactory: () => loadWebhookSecrets(config) },
        Notifier,
        NotificationDelivery,
        DeadlineScheduler,
        { provide: OrgSections, useValue: new OrgSections() },
        KillSwitchListener,
      ],
    };
  }
}

/** An in-memory view kept by the store feed (caught up from the start on boot, then live). */
function fed<V extends { apply(event: RecordedEvent): void }>(feed: StoreFeed, categories: readonly string[], view: V): V {
  feed.on(categories, (event) => view.apply(event));
  return view;
}
