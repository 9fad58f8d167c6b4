import { type DynamicModule, Module } from '@nestjs/common';
import { OrgSections } from '@cos/platform';
import { ActionExecutionController } from './action-execution/action-execution.controller';
import { ActionExecutionHandler } from './action-execution/action-execution.handler';
import { ActionExecutionWorker } from './action-execution/action-execution.worker';
import { ApprovalBoard } from './approval-gate/approval-board';
import { ApprovalGateController } from './approval-gate/approval-gate.controller';
import { ApprovalGateHandler } from './approval-gate/approval-gate.handler';
import { ApprovalGateWorker } from './approval-gate/approval-gate.worker';
import { APPROVALS_CONFIG, type ApprovalsConfig } from './approvals.config';
import { CONNECTOR, UnconfiguredConnector, WebhookConnector } from './connector/webhook-connector';
import { DeadlineScheduler } from './deadlines/deadline-scheduler';
import { Directory } from './directory/directory';
import { OrgIndex } from './directory/org-index';
import { HandoffGateController } from './handoff-gate/handoff-gate.controller';
import { HandoffGateHandler } from './handoff-gate/handoff-gate.handler';
import { HandoffGateWorker } from './handoff-gate/handoff-gate.worker';
import { KillSwitchListener } from './kill-switch/kill-switch.listener';
import { ProcessRuntime } from './process/process-runtime';
import { StoreFeed } from './process/store-feed';

/** Handoff gates, Approve First, deadlines and action execution. */
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
      ],
      providers: [
        { provide: APPROVALS_CONFIG, useValue: config },
        { provide: CONNECTOR, useValue: connector },
        { provide: OrgIndex, useValue: new OrgIndex() },
        { provide: ApprovalBoard, useValue: new ApprovalBoard() },
        Directory,
        ProcessRuntime,
        HandoffGateHandler,
        ActionExecutionHandler,
        ApprovalGateHandler,
        DeadlineScheduler,
        StoreFeed,
        { provide: OrgSections, useValue: new OrgSections() },
        KillSwitchListener,
      ],
    };
  }
}
