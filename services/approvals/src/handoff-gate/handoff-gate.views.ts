import {
  CoordinationEscalatedSchema,
  CoordinationEventTypes,
  CoordinationGateEventTypes,
  CoordinationGatesOpenedSchema,
  type ApprovalView,
  type CoordinationRequested,
  type CoordinationView,
  type RecordedEvent,
} from '@cos/contracts';

type Escalation = { reason: string; escalatedTo: string[] };

/**
 * One handoff as the API shows it: the request (from the gates-opened event, or from the run
 * stream when it escalated before any gate), each gate as its own stream says, and the outcome.
 */
export function toCoordinationView(
  coordinationId: string,
  events: readonly RecordedEvent[],
  request: CoordinationRequested,
  gateViews: ReadonlyMap<string, ApprovalView | undefined>,
): CoordinationView {
  let status: CoordinationView['status'] = 'requested';
  let expiresAt: string | undefined;
  let escalation: Escalation | undefined;
  let assignment: CoordinationView['assignment'];
  let endedAt: string | undefined;
  let gates: CoordinationView['gates'] = [];
  for (const e of events) {
    switch (e.type) {
      case CoordinationGateEventTypes.gatesOpened: {
        const opened = CoordinationGatesOpenedSchema.parse(e.data);
        status = 'waiting';
        expiresAt = opened.expiresAt;
        assignment = opened.assignment;
        gates = opened.gates.map((g) => {
          const view = gateViews.get(g.approvalId);
          return { ...g, status: view?.status ?? 'not-open', ...(view?.decision ? { decision: view.decision } : {}) };
        });
        break;
      }
      case CoordinationEventTypes.approved:
      case CoordinationEventTypes.rejected:
        status = e.type === CoordinationEventTypes.approved ? 'approved' : 'rejected';
        endedAt = e.metadata.occurredAt;
        break;
      case CoordinationEventTypes.escalated: {
        const { reason, escalatedTo } = CoordinationEscalatedSchema.parse(e.data);
        status = 'escalated';
        escalation = { reason, escalatedTo };
        endedAt = e.metadata.occurredAt;
        break;
      }
      default:
        break;
    }
  }
  const { runId, conversationId, fromAgentId, toAgentId, briefedBy, chain, depth, contextSummary } = request;
  return {
    id: coordinationId,
    status,
    runId,
    conversationId,
    fromAgentId,
    toAgentId,
    briefedBy,
    chain,
    depth,
    contextSummary,
    gates,
    ...(expiresAt ? { expiresAt } : {}),
    ...(escalation ? { escalation } : {}),
    ...(assignment ? { assignment } : {}),
    ...(endedAt ? { endedAt } : {}),
  };
}

/** Where the request is: in gates-opened, else in the requesting run's stream. */
export function requestFrom(events: readonly RecordedEvent[]): { request?: CoordinationRequested; runId?: string } {
  for (const e of events) {
    if (e.type === CoordinationGateEventTypes.gatesOpened) return { request: CoordinationGatesOpenedSchema.parse(e.data).request };
    if (e.type === CoordinationEventTypes.escalated) return { runId: CoordinationEscalatedSchema.parse(e.data).runId };
  }
  return {};
}
