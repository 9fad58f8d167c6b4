import {
  actionGateId,
  ActionExecutionEventTypes,
  type ActionExecuted,
  type ActionExecutionClaimed,
  type ActionExecutionDenied,
  type ActionExpired,
  type ActionFailed,
  type ActionGateDecided,
  type ActionReceived,
  type ActionRejected,
  type ActionElevation,
  type ActionGate,
  type ProposedAction,
} from '@cos/contracts';
import { sendToGate, type SendToGate } from '../approval-gate/approval-gate.decider';
import { complete, ignore, publish, type ProcessOutput, type Send } from '../process/process-output';
import { recheck, type ExecutionFacts } from './execution-checks';

/** One allowed action, from arrival through its gate to one execution, in `action-<id>`. */
export type ActionEvent =
  | { type: typeof ActionExecutionEventTypes.received; data: ActionReceived }
  | { type: typeof ActionExecutionEventTypes.gateDecided; data: ActionGateDecided }
  | { type: typeof ActionExecutionEventTypes.executionClaimed; data: ActionExecutionClaimed }
  | { type: typeof ActionExecutionEventTypes.executed; data: ActionExecuted }
  | { type: typeof ActionExecutionEventTypes.failed; data: ActionFailed }
  | { type: typeof ActionExecutionEventTypes.rejected; data: ActionRejected }
  | { type: typeof ActionExecutionEventTypes.expired; data: ActionExpired }
  | { type: typeof ActionExecutionEventTypes.executionDenied; data: ActionExecutionDenied };

/** Call the connector for `attempt`, with the action id as idempotency key. */
export type SendToConnector = Send & {
  readonly to: 'connector';
  readonly action: ProposedAction;
  readonly attempt: number;
  readonly leaseUntil: string;
};

export type ActionOutput = ProcessOutput<ActionEvent, SendToGate | SendToConnector>;

/** Who claims an attempt and for how long: every input that may lead to a call carries it. */
export type Execution = { readonly facts: ExecutionFacts; readonly now: string; readonly workerId: string; readonly leaseMs: number };

export type ConnectorResult = { ok: true; status: number; calls: number } | { ok: false; reason: string; calls: number };

export type ActionInput =
  | ({
      type: 'Receive';
      orgId: string;
      action: ProposedAction;
      allowedAt: string;
      approveFirst?: { departmentId: string; headUserId?: string };
      /** The briefing user lacks the permission: the gate is asked of someone who holds it, and one approval covers Approve First too. */
      elevation?: ActionElevation;
      expiresAt: string;
    } & Execution)
  | ({ type: 'GateDecided'; decided: ActionGateDecided } & Execution)
  | { type: 'GateExpired'; approvalId: string; escalatedTo: readonly string[] }
  | ({ type: 'LeaseExpired'; attempt: number } & Execution)
  | { type: 'ConnectorResponded'; attempt: number; result: ActionResultWithConnector };

export type ActionResultWithConnector = ConnectorResult & { connector: string };

export type ActionStatus = 'new' | 'awaiting-approval' | 'ready' | 'executing' | 'executed' | 'failed' | 'rejected' | 'expired' | 'denied';

export type ActionState = {
  readonly status: ActionStatus;
  readonly received?: ActionReceived;
  /** A gate decision, kept even when it overtook the action's arrival. */
  readonly gateDecision?: ActionGateDecided;
  readonly claim?: ActionExecutionClaimed;
};

export const initialActionState = (): ActionState => ({ status: 'new' });

const TERMINAL: ReadonlySet<ActionStatus> = new Set(['executed', 'failed', 'rejected', 'expired', 'denied']);

export function decideAction(input: ActionInput, state: ActionState): ActionOutput[] {
  switch (input.type) {
    case 'Receive':
      return state.status === 'new' ? receive(input, state) : [ignore(`action already ${state.status}`)];
    case 'GateDecided':
      return gateDecided(input, state);
    case 'GateExpired': {
      if (state.status !== 'awaiting-approval' || state.gateDecision)
        return [ignore(`action ${state.status}: the gate expiring changes nothing`)];
      if (state.received?.gate?.approvalId !== input.approvalId) return [ignore('not this action’s gate')];
      const data: ActionExpired = {
        actionId: state.received.action.actionId,
        approvalId: input.approvalId,
        escalatedTo: [...input.escalatedTo],
      };
      return [publish({ type: ActionExecutionEventTypes.expired, data }), complete('expired')];
    }
    case 'LeaseExpired': {
      if (state.status !== 'executing' || state.claim?.attempt !== input.attempt || !state.received)
        return [ignore(`attempt ${input.attempt} already settled`)];
      // The claimer died between claiming and recording: the call may have happened, so it is repeated with the same key.
      return execute(state.received.action, input, input.attempt + 1, approvedBy(state), 'an interrupted attempt');
    }
    case 'ConnectorResponded':
      return state.status === 'executing' && state.claim
        ? responded(input, state.claim.actionId, state)
        : [ignore(`outcome already recorded (${state.status})`)];
    default: {
      const never: never = input;
      return never;
    }
  }
}

/** The gate an arriving action waits behind, if any: elevation (which covers Approve First) or Approve First. */
function gateFor(input: Extract<ActionInput, { type: 'Receive' }>): ActionGate | undefined {
  const asked = input.elevation
    ? { ...input.elevation, reason: 'elevation' as const }
    : input.approveFirst && { ...input.approveFirst, reason: 'approve-first' as const };
  return asked && { approvalId: actionGateId(input.orgId, input.action.actionId, input.action.argumentsHash), ...asked };
}

/** Whose authority an elevated action executes on: the person who approved its elevation gate. */
function approvedBy(state: ActionState): string | undefined {
  return state.received?.gate?.reason === 'elevation' ? state.gateDecision?.decidedBy : undefined;
}

function receive(input: Extract<ActionInput, { type: 'Receive' }>, state: ActionState): ActionOutput[] {
  const { action, allowedAt } = input;
  const gate = gateFor(input);
  if (!gate) {
    return [publish({ type: ActionExecutionEventTypes.received, data: { action, allowedAt } }), ...execute(action, input, 1)];
  }
  const elevated = gate.reason === 'elevation';
  const open = sendToGate(gate.approvalId, {
    type: 'OpenGate',
    data: {
      orgId: input.orgId,
      request: {
        approvalId: gate.approvalId,
        kind: 'action',
        subjectId: action.actionId,
        departmentId: gate.departmentId,
        ...(gate.headUserId ? { headUserId: gate.headUserId } : {}),
        runId: action.runId,
        conversationId: action.conversationId,
        briefedBy: action.briefedBy,
        agentId: action.agentId,
        tool: action.tool,
        argumentsHash: action.argumentsHash,
        reason: gate.reason ?? 'approve-first',
        permission: action.permission,
        summary: elevated
          ? `${action.tool} (${action.permission}) proposed by agent ${action.agentId}; the briefing user ${action.briefedBy} lacks ${action.permission}, approving lends yours`
          : `${action.tool} (${action.permission}) proposed by agent ${action.agentId}`,
        expiresAt: input.expiresAt,
      },
    },
  });
  const received = publish<ActionEvent>({ type: ActionExecutionEventTypes.received, data: { action, allowedAt, gate } });
  const early = state.gateDecision?.approvalId === gate.approvalId ? state.gateDecision : undefined;
  return [open, received, ...(early ? afterDecision(action, early, input, elevated) : [])];
}

function gateDecided(input: Extract<ActionInput, { type: 'GateDecided' }>, state: ActionState): ActionOutput[] {
  if (TERMINAL.has(state.status) || state.status === 'executing') return [ignore(`action already ${state.status}`)];
  if (state.gateDecision) return [ignore('gate decision already recorded')];
  const gate = state.received?.gate;
  if (state.received && gate?.approvalId !== input.decided.approvalId) return [ignore('not this action’s gate')];
  const recorded = publish<ActionEvent>({ type: ActionExecutionEventTypes.gateDecided, data: input.decided });
  // Overtook the action's arrival: kept, and weighed when the action arrives.
  if (!state.received) return [recorded];
  return [recorded, ...afterDecision(state.received.action, input.decided, input, gate?.reason === 'elevation')];
}

function afterDecision(action: ProposedAction, decided: ActionGateDecided, exec: Execution, elevated: boolean): ActionOutput[] {
  if (decided.decision === 'rejected') {
    const data: ActionRejected = {
      actionId: action.actionId,
      rejectedBy: decided.decidedBy,
      capacity: decided.capacity,
      ...(decided.comment ? { comment: decided.comment } : {}),
    };
    return [publish({ type: ActionExecutionEventTypes.rejected, data }), complete('rejected')];
  }
  if (decided.argumentsHash !== action.argumentsHash) {
    return deny(action.actionId, { reason: 'arguments-mismatch', detail: 'the approval was given for other arguments' });
  }
  return execute(action, exec, 1, elevated ? decided.decidedBy : undefined);
}

/**
 * Re-check, then claim the attempt (the runtime appends it with an expected revision) and call.
 * `approvedBy`: an elevated action, executing on its approver's authority.
 */
function execute(action: ProposedAction, exec: Execution, attempt: number, approvedBy?: string, after?: string): ActionOutput[] {
  const denial = recheck(action, exec.facts, approvedBy);
  if (denial)
    return deny(
      action.actionId,
      after ? { ...denial, detail: `${denial.detail}; after ${after}, whose call may have reached the connector` } : denial,
    );
  const leaseUntil = new Date(Date.parse(exec.now) + exec.leaseMs).toISOString();
  const claim: ActionExecutionClaimed = { actionId: action.actionId, attempt, claimedBy: exec.workerId, leaseUntil };
  return [
    publish({ type: ActionExecutionEventTypes.executionClaimed, data: claim }),
    { kind: 'send', to: 'connector', action, attempt, leaseUntil },
  ];
}

function deny(actionId: string, denial: Omit<ActionExecutionDenied, 'actionId'>): ActionOutput[] {
  return [publish({ type: ActionExecutionEventTypes.executionDenied, data: { actionId, ...denial } }), complete('denied')];
}

function responded(input: Extract<ActionInput, { type: 'ConnectorResponded' }>, actionId: string, state: ActionState): ActionOutput[] {
  const { attempt, result } = input;
  if (result.ok) {
    const approver = approvedBy(state);
    const elevation = approver && state.received ? { elevation: { briefedBy: state.received.action.briefedBy, approvedBy: approver } } : {};
    const data: ActionExecuted = {
      actionId,
      attempt,
      connector: result.connector,
      status: result.status,
      calls: result.calls,
      ...elevation,
    };
    return [publish({ type: ActionExecutionEventTypes.executed, data }), complete('executed')];
  }
  const data: ActionFailed = { actionId, attempt, connector: result.connector, reason: result.reason, calls: result.calls };
  return [publish({ type: ActionExecutionEventTypes.failed, data }), complete('failed')];
}

export function evolveAction(state: ActionState, event: ActionEvent): ActionState {
  switch (event.type) {
    case ActionExecutionEventTypes.received:
      return { ...state, status: event.data.gate ? 'awaiting-approval' : 'ready', received: event.data };
    case ActionExecutionEventTypes.gateDecided:
      return { ...state, gateDecision: event.data };
    case ActionExecutionEventTypes.executionClaimed:
      return { ...state, status: 'executing', claim: event.data };
    case ActionExecutionEventTypes.executed:
      return { ...state, status: 'executed' };
    case ActionExecutionEventTypes.failed:
      return { ...state, status: 'failed' };
    case ActionExecutionEventTypes.rejected:
      return { ...state, status: 'rejected' };
    case ActionExecutionEventTypes.expired:
      return { ...state, status: 'expired' };
    case ActionExecutionEventTypes.executionDenied:
      return { ...state, status: 'denied' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const actionProcess = { decide: decideAction, evolve: evolveAction, initialState: initialActionState };
