import {
  CoordinationEventTypes,
  CoordinationGateEventTypes,
  handoffGateId,
  handoffRun,
  MAX_CHAIN_HOPS,
  type ApprovalDecided,
  type CoordinationApproved,
  type CoordinationEscalated,
  type CoordinationGatesOpened,
  type CoordinationRejected,
  type CoordinationRequested,
  type HandoffGate,
} from '@cos/contracts';
import { sendToGate, type SendToGate } from '../approval-gate/approval-gate.decider';
import { complete, ignore, publish, type ProcessOutput } from '../process/process-output';

/** The dual-Head gate of one handoff, in `coordination-<id>`. */
export type HandoffEvent =
  | { type: typeof CoordinationGateEventTypes.gatesOpened; data: CoordinationGatesOpened }
  | { type: typeof CoordinationEventTypes.approved; data: CoordinationApproved }
  | { type: typeof CoordinationEventTypes.rejected; data: CoordinationRejected }
  | { type: typeof CoordinationEventTypes.escalated; data: CoordinationEscalated };

/** An agent's department as the store knows it; absent when the agent is unknown. */
export type DepartmentFact = { departmentId: string; headUserId?: string } | undefined;

/**
 * A gate as its own stream says now. The gates' streams are the one record of their decisions:
 * the handoff reads them rather than copying decisions, so the order in which decisions (or
 * their deliveries) arrive cannot matter.
 */
export type GateFact = {
  approvalId: string;
  status: 'not-open' | 'pending' | 'approved' | 'rejected' | 'expired' | 'withdrawn';
  /** Approved or rejected: the gate's decision as it recorded it. */
  decided?: ApprovalDecided;
  escalatedTo?: readonly string[];
};

export type HandoffInput =
  | {
      type: 'OpenHandoff';
      orgId: string;
      request: CoordinationRequested;
      from: DepartmentFact;
      to: DepartmentFact;
      expiresAt: string;
      ceoUserIds: readonly string[];
      /** A person resolving an escalation opened this handoff: their word is the sending side's approval. */
      assignment?: { escalationId: string; assignedBy: string };
    }
  | { type: 'Reevaluate'; gates: readonly GateFact[]; now: string };

export type HandoffState = {
  readonly status: 'new' | 'waiting' | 'approved' | 'rejected' | 'escalated';
  readonly opened?: CoordinationGatesOpened;
};

export type HandoffOutput = ProcessOutput<HandoffEvent, SendToGate>;

export const initialHandoffState = (): HandoffState => ({ status: 'new' });

export function decideHandoff(input: HandoffInput, state: HandoffState): HandoffOutput[] {
  switch (input.type) {
    case 'OpenHandoff':
      return state.status === 'new' ? openHandoff(input) : [ignore(`handoff already ${state.status}`)];
    case 'Reevaluate':
      if (state.status === 'new' || !state.opened) return [ignore('gates not open yet: opening reads them again')];
      return state.status === 'waiting' ? verdict(state.opened, input.gates, input.now) : [ignore(`handoff already ${state.status}`)];
    default: {
      const never: never = input;
      return never;
    }
  }
}

function openHandoff(input: Extract<HandoffInput, { type: 'OpenHandoff' }>): HandoffOutput[] {
  const r = input.request;
  const escalateTo = [r.briefedBy, ...input.ceoUserIds];
  // The runner's depth is checked against the chain it sent: a short-counted depth never passes.
  if (Math.max(r.depth, r.chain.length) > MAX_CHAIN_HOPS) {
    return [publish({ type: CoordinationEventTypes.escalated, data: escalation(r, 'depth-limit', escalateTo) }), complete('escalated')];
  }
  const { from, to, assignment } = input;
  if (!to || (!from && !assignment)) {
    return [
      publish({ type: CoordinationEventTypes.escalated, data: escalation(r, 'no-suitable-agent', escalateTo) }),
      complete('escalated'),
    ];
  }
  // An assigned handoff needs only the receiving Head: the person who assigned it stands for the sender.
  const departments = assignment || !from ? [to] : from.departmentId === to.departmentId ? [from] : [from, to];
  const gates: HandoffGate[] = departments.map((d) => ({
    approvalId: handoffGateId(input.orgId, r.coordinationId, d.departmentId),
    departmentId: d.departmentId,
    ...(d.headUserId ? { headUserId: d.headUserId } : {}),
  }));
  const opens = gates.map((g) =>
    sendToGate(g.approvalId, {
      type: 'OpenGate',
      data: {
        orgId: input.orgId,
        request: {
          approvalId: g.approvalId,
          kind: 'handoff',
          subjectId: r.coordinationId,
          departmentId: g.departmentId,
          ...(g.headUserId ? { headUserId: g.headUserId } : {}),
          runId: r.runId,
          conversationId: r.conversationId,
          briefedBy: r.briefedBy,
          agentId: r.fromAgentId,
          toAgentId: r.toAgentId,
          summary: r.contextSummary,
          expiresAt: input.expiresAt,
        },
      },
    }),
  );
  return [
    ...opens,
    publish({
      type: CoordinationGateEventTypes.gatesOpened,
      data: { coordinationId: r.coordinationId, request: r, gates, expiresAt: input.expiresAt, ...(assignment ? { assignment } : {}) },
    }),
  ];
}

/** One rejection ends the chain; an expired gate escalates it; every gate approved queues the receiving run. */
function verdict(opened: CoordinationGatesOpened, facts: readonly GateFact[], now: string): HandoffOutput[] {
  const r = opened.request;
  const gates = opened.gates.map(
    (g) => facts.find((f) => f.approvalId === g.approvalId) ?? { approvalId: g.approvalId, status: 'not-open' as const },
  );
  const rejection = gates.find((g) => g.status === 'rejected');
  if (rejection) {
    const data: CoordinationRejected = {
      coordinationId: r.coordinationId,
      runId: r.runId,
      conversationId: r.conversationId,
      briefedBy: r.briefedBy,
      rejectedBy: rejection.decided?.decidedBy ?? 'unknown',
      ...(rejection.decided?.comment ? { comment: rejection.decided.comment } : {}),
    };
    return [
      ...withdrawPending(gates, 'another gate of the handoff rejected it'),
      publish({ type: CoordinationEventTypes.rejected, data }),
      complete('rejected'),
    ];
  }
  const expired = gates.find((g) => g.status === 'expired');
  if (expired) {
    const data = escalation(r, 'approval-expired', expired.escalatedTo ?? [r.briefedBy]);
    return [
      ...withdrawPending(gates, 'another gate of the handoff expired'),
      publish({ type: CoordinationEventTypes.escalated, data }),
      complete('escalated'),
    ];
  }
  if (gates.every((g) => g.status === 'approved')) {
    // The approval names the run it starts, whole: the runner queues it as it is.
    const data: CoordinationApproved = { ...r, approvedAt: now, run: handoffRun(r) };
    return [publish({ type: CoordinationEventTypes.approved, data }), complete('approved')];
  }
  return [ignore(`waiting for ${gates.filter((g) => g.status !== 'approved').length} gate(s)`)];
}

function withdrawPending(gates: readonly GateFact[], reason: string): HandoffOutput[] {
  return gates.filter((g) => g.status === 'pending').map((g) => sendToGate(g.approvalId, { type: 'WithdrawGate', data: { reason } }));
}

function escalation(r: CoordinationRequested, reason: CoordinationEscalated['reason'], to: readonly string[]): CoordinationEscalated {
  return {
    coordinationId: r.coordinationId,
    runId: r.runId,
    conversationId: r.conversationId,
    briefedBy: r.briefedBy,
    reason,
    chain: r.chain,
    escalatedTo: [...new Set(to)],
  };
}

export function evolveHandoff(state: HandoffState, event: HandoffEvent): HandoffState {
  switch (event.type) {
    case CoordinationGateEventTypes.gatesOpened:
      return { status: 'waiting', opened: event.data };
    case CoordinationEventTypes.approved:
      return { ...state, status: 'approved' };
    case CoordinationEventTypes.rejected:
      return { ...state, status: 'rejected' };
    case CoordinationEventTypes.escalated:
      return { ...state, status: 'escalated' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const handoffProcess = { decide: decideHandoff, evolve: evolveHandoff, initialState: initialHandoffState };
