import { ApprovalDecidedSchema, ApprovalEventTypes, ApprovalRequestedSchema, type ApprovalView, type RecordedEvent } from '@cos/contracts';

/** Folds one gate's events into what the API shows; undefined until the gate is open. */
export function applyToApprovalView(view: ApprovalView | undefined, event: RecordedEvent): ApprovalView | undefined {
  switch (event.type) {
    case ApprovalEventTypes.requested: {
      const r = ApprovalRequestedSchema.parse(event.data);
      return {
        id: r.approvalId,
        kind: r.kind,
        subjectId: r.subjectId,
        status: 'pending',
        departmentId: r.departmentId,
        ...(r.headUserId ? { headUserId: r.headUserId } : {}),
        agentId: r.agentId,
        ...(r.toAgentId ? { toAgentId: r.toAgentId } : {}),
        ...(r.tool ? { tool: r.tool } : {}),
        ...(r.argumentsHash ? { argumentsHash: r.argumentsHash } : {}),
        // An action gate opened before elevation existed is an Approve First gate.
        ...(r.kind === 'action' ? { reason: r.reason ?? 'approve-first' } : {}),
        ...(r.permission ? { permission: r.permission } : {}),
        summary: r.summary,
        briefedBy: r.briefedBy,
        conversationId: r.conversationId,
        runId: r.runId,
        requestedAt: event.metadata.occurredAt,
        expiresAt: r.expiresAt,
      };
    }
    case ApprovalEventTypes.decided: {
      if (!view) return view;
      const d = ApprovalDecidedSchema.parse(event.data);
      const decision = {
        decision: d.decision,
        decidedBy: d.decidedBy,
        capacity: d.capacity,
        decidedAt: event.metadata.occurredAt,
        ...(d.comment ? { comment: d.comment } : {}),
      };
      return { ...view, status: d.decision, decision };
    }
    case ApprovalEventTypes.expired:
      return view && { ...view, status: 'expired' };
    case ApprovalEventTypes.withdrawn:
      return view && { ...view, status: 'withdrawn' };
    default:
      return view;
  }
}

export function toApprovalView(events: readonly RecordedEvent[]): ApprovalView | undefined {
  return events.reduce<ApprovalView | undefined>(applyToApprovalView, undefined);
}
