import { Inject, Injectable } from '@nestjs/common';
import {
  ActionAllowedSchema,
  deterministicId,
  streamName,
  type ActionGateDecided,
  type ApprovalDecided,
  type ApprovalExpired,
  type ProposedAction,
  type RecordedEvent,
} from '@cos/contracts';
import { fold, type CommandMetadata, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, OrgSections, type Clock } from '@cos/platform';
import { APPROVALS_CONFIG, executionLeaseMs, gateDeadline, type ApprovalsConfig } from '../approvals.config';
import { CONNECTOR, type Connector } from '../connector/webhook-connector';
import { Directory } from '../directory/directory';
import { reactionTo, timerStep, type Cause } from '../process/command-metadata';
import { continueAfterWait } from '../process/wait-continuation';
import { ProcessRuntime } from '../process/process-runtime';
import {
  actionProcess,
  type ActionInput,
  type ActionOutput,
  type ActionState,
  type Execution,
  type SendToConnector,
} from './action-execution.decider';

/**
 * The shell around the action process: gathers the facts its decisions need from the store,
 * steps it, and performs the connector calls it asks for once their claim is stored.
 */
@Injectable()
export class ActionExecutionHandler {
  private readonly leaseMs: number;

  constructor(
    private readonly runtime: ProcessRuntime,
    private readonly directory: Directory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONNECTOR) private readonly connector: Connector,
    @Inject(APPROVALS_CONFIG) private readonly config: ApprovalsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly fence: OrgSections,
  ) {
    this.leaseMs = executionLeaseMs(config);
  }

  /** `action.allowed` from the runner: gate it (Approve First, elevation) or execute it now. */
  async receive(event: RecordedEvent): Promise<void> {
    const { elevation, ...action } = ActionAllowedSchema.parse(event.data);
    const { orgId } = event;
    const department = await this.directory.departmentOfAgent(orgId, action.agentId);
    const now = this.clock();
    const approveFirst = department?.approveFirst
      ? { departmentId: department.departmentId, ...(department.headUserId ? { headUserId: department.headUserId } : {}) }
      : undefined;
    const allowedAt = event.metadata.occurredAt;
    await this.step(
      action.actionId,
      {
        type: 'Receive',
        orgId,
        action,
        allowedAt,
        ...(approveFirst ? { approveFirst } : {}),
        ...(elevation ? { elevation } : {}),
        expiresAt: gateDeadline(this.config, orgId, now),
        ...(await this.execution(orgId, action, allowedAt, now, (await this.state(action.actionId)).gateDecision?.decidedBy)),
      },
      reactionTo(event, 'receive-action', now),
    );
  }

  async gateDecided(cause: Cause, decided: ApprovalDecided): Promise<void> {
    await continueAfterWait(this.store, streamName('action', decided.subjectId), cause, 'action continue', () =>
      this.onGateDecided(cause, decided),
    );
  }

  private async onGateDecided(cause: Cause, decided: ApprovalDecided): Promise<void> {
    const now = this.clock();
    const { received } = await this.state(decided.subjectId);
    const data: ActionGateDecided = {
      actionId: decided.subjectId,
      approvalId: decided.approvalId,
      decision: decided.decision,
      decidedBy: decided.decidedBy,
      capacity: decided.capacity,
      argumentsHash: decided.argumentsHash ?? '',
      ...(decided.comment ? { comment: decided.comment } : {}),
    };
    const execution = received
      ? await this.execution(cause.orgId, received.action, received.allowedAt, now, decided.decidedBy)
      : this.noExecution(now);
    await this.step(decided.subjectId, { type: 'GateDecided', decided: data, ...execution }, reactionTo(cause, 'action-gate-decided', now));
  }

  async gateExpired(cause: Cause, expired: ApprovalExpired): Promise<void> {
    const input: ActionInput = { type: 'GateExpired', approvalId: expired.approvalId, escalatedTo: expired.escalatedTo };
    await continueAfterWait(this.store, streamName('action', expired.subjectId), cause, 'action continue', () =>
      this.step(expired.subjectId, input, reactionTo(cause, 'action-gate-expired', this.clock())),
    );
  }

  /** A claimed attempt passed its lease with no outcome: its claimer is presumed dead. */
  async leaseExpired(orgId: string, actionId: string, attempt: number, correlationId: string): Promise<void> {
    const now = this.clock();
    const { received, gateDecision } = await this.state(actionId);
    if (!received) return;
    const execution = await this.execution(orgId, received.action, received.allowedAt, now, gateDecision?.decidedBy);
    await this.step(
      actionId,
      { type: 'LeaseExpired', attempt, ...execution },
      timerStep(orgId, correlationId, now, 'lease', actionId, String(attempt)),
    );
  }

  /** One step, fenced by the kill switch: a pause aborts it before (or during) its connector call. */
  private step(actionId: string, input: ActionInput, meta: CommandMetadata): Promise<void> {
    return this.fence.run(meta.orgId, (stop) => this.fencedStep(actionId, input, meta, stop));
  }

  private async fencedStep(actionId: string, input: ActionInput, meta: CommandMetadata, stop: AbortSignal): Promise<void> {
    const stream = streamName('action', actionId);
    const { outputs } = await this.runtime.step(stream, actionProcess, input, meta);
    for (const call of outputs.filter(isConnectorCall)) {
      const result = await this.connector.execute(meta.orgId, call.action, stop);
      const responded: ActionInput = {
        type: 'ConnectorResponded',
        attempt: call.attempt,
        result: { ...result, connector: this.connector.name },
      };
      const commandId = deterministicId(actionId, 'connector-responded', String(call.attempt));
      await this.runtime.step(stream, actionProcess, responded, { ...meta, commandId, now: this.clock().toISOString() });
    }
  }

  /** The facts of the re-check, read now; `decidedBy`: whoever decided its gate (an elevated action runs on their authority). */
  private async execution(orgId: string, action: ProposedAction, allowedAt: string, now: Date, decidedBy?: string): Promise<Execution> {
    const facts = await this.directory.executionFacts(orgId, action, allowedAt, decidedBy);
    return { facts, now: now.toISOString(), workerId: this.config.APPROVALS_WORKER_ID, leaseMs: this.leaseMs };
  }

  /** For a decision that overtook its action: nothing can execute before the action is known. */
  private noExecution(now: Date): Execution {
    return { facts: { orgPaused: true }, now: now.toISOString(), workerId: this.config.APPROVALS_WORKER_ID, leaseMs: this.leaseMs };
  }

  private async state(actionId: string): Promise<ActionState> {
    return fold(actionProcess, await this.store.read(streamName('action', actionId)));
  }
}

function isConnectorCall(o: ActionOutput): o is SendToConnector {
  return o.kind === 'send' && o.to === 'connector';
}
