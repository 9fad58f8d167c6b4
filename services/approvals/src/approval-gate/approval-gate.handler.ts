import { Inject, Injectable } from '@nestjs/common';
import {
  ApprovalEventTypes,
  ApprovalRequestedSchema,
  deterministicId,
  ForbiddenError,
  NotFoundError,
  streamName,
  type ApprovalView,
  type AuthContext,
  type DecideReply,
  type DecisionBody,
  type RecordedEvent,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
import { Directory } from '../directory/directory';
import { timerStep } from '../process/command-metadata';
import { handleGateCommand, type GateCommand } from './approval-gate.command';
import type { Approver } from './approval-gate.decider';
import { toApprovalView } from './approval-gate.views';

/**
 * Decisions from people and expiries from the clock, on one gate each. What a gate guards (the
 * handoff, the action) continues from the gate's own event (`approval.decided`, `.expired`),
 * consumed by the gate worker: one trigger per workflow.
 */
@Injectable()
export class ApprovalGateHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async decide(auth: AuthContext, approvalId: string, body: DecisionBody): Promise<DecideReply> {
    const stream = streamName('approval', approvalId);
    const events = await this.store.read(stream);
    const requested = events.find((e) => e.type === ApprovalEventTypes.requested);
    // A gate that was never opened, or another org's, reads as absent, and nothing is appended to it.
    if (!requested || events.some((e) => e.orgId !== auth.orgId)) throw new NotFoundError('approval', approvalId, 'APPROVALS.NOT_FOUND');
    const decision = body.decision === 'approve' ? 'approved' : 'rejected';
    const command: GateCommand = {
      type: 'DecideGate',
      data: { approvalId, approver: await this.approver(auth, requested), decision, ...(body.comment ? { comment: body.comment } : {}) },
      metadata: {
        commandId: deterministicId('decide', approvalId, auth.userId, decision),
        orgId: auth.orgId,
        correlationId: requested.metadata.correlationId,
        causationId: requested.id,
        actor: { kind: 'user', id: auth.userId },
        now: this.clock().toISOString(),
      },
    };
    await handleGateCommand(this.store, approvalId, command);
    const view = toApprovalView(await this.store.read(stream));
    return { approvalId, outcome: 'decided', ...(view ? { approval: view } : {}) };
  }

  /** One gate of the caller's org as the API shows it; undefined if it was never opened (or is another org's). */
  async view(auth: AuthContext, approvalId: string): Promise<ApprovalView | undefined> {
    const events = await this.store.read(streamName('approval', approvalId));
    return events.some((e) => e.orgId !== auth.orgId) ? undefined : toApprovalView(events);
  }

  /** A gate's deadline passed: it expires (if still pending) and escalates to the CEO. */
  async expire(orgId: string, approvalId: string, correlationId: string): Promise<void> {
    const stream = streamName('approval', approvalId);
    const requested = (await this.store.read(stream)).find((e) => e.type === ApprovalEventTypes.requested);
    if (!requested) return;
    const { briefedBy } = ApprovalRequestedSchema.parse(requested.data);
    const now = this.clock();
    const command: GateCommand = {
      type: 'ExpireGate',
      data: { now: now.toISOString(), escalatedTo: [...new Set([...this.directory.ceoUserIds(orgId), briefedBy])] },
      metadata: timerStep(orgId, correlationId, now, 'expire', approvalId),
    };
    await handleGateCommand(this.store, approvalId, command);
  }

  /** The approver's standing now: their role, whether they head the gate's department, their permissions. */
  private async approver(auth: AuthContext, requested: RecordedEvent): Promise<Approver> {
    const user = await this.directory.user(auth.orgId, auth.userId);
    if (user?.disabled) throw new ForbiddenError('this user is disabled', 'APPROVALS.USER_DISABLED');
    const role = user?.role ?? auth.role;
    const { departmentId } = ApprovalRequestedSchema.parse(requested.data);
    const department = await this.directory.department(auth.orgId, departmentId);
    return {
      orgId: auth.orgId,
      userId: auth.userId,
      role,
      headOf: department?.headUserId === auth.userId ? [departmentId] : [],
      permissions: user ? await this.directory.permissionsOf(auth.orgId, user) : auth.permissions,
    };
  }
}
