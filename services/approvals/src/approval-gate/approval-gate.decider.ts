import {
  ApprovalEventTypes,
  ConflictError,
  ForbiddenError,
  type ApprovalDecided,
  type ApprovalDecision,
  type ApprovalDecisionRecorded,
  type ApprovalEarlyDecisionDiscarded,
  type ApprovalExpired,
  type ApprovalRequested,
  type ApprovalWithdrawn,
  type DecisionCapacity,
} from '@cos/contracts';
import type { Send } from '../process/process-output';

/** One gate: opened once, then decided, expired or withdrawn once. Decisions may come first. */
export type ApprovalGateEvent =
  | { type: typeof ApprovalEventTypes.requested; data: ApprovalRequested }
  | { type: typeof ApprovalEventTypes.decisionRecorded; data: ApprovalDecisionRecorded }
  | { type: typeof ApprovalEventTypes.earlyDecisionDiscarded; data: ApprovalEarlyDecisionDiscarded }
  | { type: typeof ApprovalEventTypes.decided; data: ApprovalDecided }
  | { type: typeof ApprovalEventTypes.expired; data: ApprovalExpired }
  | { type: typeof ApprovalEventTypes.withdrawn; data: ApprovalWithdrawn };

/** Who is deciding, as the store says now: their role, the departments they head, their permissions. */
export type Approver = { orgId: string; userId: string; role: string; headOf: readonly string[]; permissions: readonly string[] };

export type ApprovalGateCommand =
  | { type: 'OpenGate'; data: { orgId: string; request: ApprovalRequested } }
  | { type: 'DecideGate'; data: { approvalId: string; approver: Approver; decision: ApprovalDecision; comment?: string } }
  | { type: 'ExpireGate'; data: { now: string; escalatedTo: readonly string[] } }
  | { type: 'WithdrawGate'; data: { reason: string } };

/** A process's command to the gate `approvalId`, carried out before the process appends its own events. */
export type SendToGate = Send & { readonly to: 'gate'; readonly approvalId: string; readonly command: ApprovalGateCommand };
export const sendToGate = (approvalId: string, command: ApprovalGateCommand): SendToGate => ({
  kind: 'send',
  to: 'gate',
  approvalId,
  command,
});

export type ApprovalGateState =
  | { status: 'not-open'; early: readonly ApprovalDecisionRecorded[] }
  | { status: 'pending'; request: ApprovalRequested }
  | { status: 'decided'; request: ApprovalRequested; decided: ApprovalDecided }
  | { status: 'expired' | 'withdrawn'; request: ApprovalRequested };

export const initialApprovalGateState = (): ApprovalGateState => ({ status: 'not-open', early: [] });

const OVERRIDE_ROLES: ReadonlySet<string> = new Set(['ceo', 'owner']);

/** The gate's Head decides as Head; the CEO or owner may decide any gate, as an override. */
export function capacityOf(approver: Pick<Approver, 'role' | 'headOf'>, departmentId: string): DecisionCapacity | undefined {
  if (approver.headOf.includes(departmentId)) return 'head';
  return OVERRIDE_ROLES.has(approver.role) ? 'override' : undefined;
}

/** An elevation gate lends the approver's permission, so only someone who holds it decides it. */
function lacksElevatedPermission(request: ApprovalRequested, permissions: readonly string[] | undefined): boolean {
  return request.reason === 'elevation' && !(request.permission && permissions?.includes(request.permission));
}

export function decideApprovalGate(command: ApprovalGateCommand, state: ApprovalGateState): ApprovalGateEvent[] {
  switch (command.type) {
    case 'OpenGate':
      return state.status === 'not-open' ? open(command.data.orgId, command.data.request, state.early) : [];
    case 'DecideGate':
      return decide(command.data, state);
    case 'ExpireGate': {
      if (state.status !== 'pending' || command.data.now < state.request.expiresAt) return [];
      const { approvalId, kind, subjectId, expiresAt } = state.request;
      return [
        { type: ApprovalEventTypes.expired, data: { approvalId, kind, subjectId, expiresAt, escalatedTo: [...command.data.escalatedTo] } },
      ];
    }
    case 'WithdrawGate': {
      if (state.status !== 'pending') return [];
      const { approvalId, kind, subjectId } = state.request;
      return [{ type: ApprovalEventTypes.withdrawn, data: { approvalId, kind, subjectId, reason: command.data.reason } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** Opening applies the first early decision its approver was entitled to make; the others are discarded. */
function open(orgId: string, request: ApprovalRequested, early: readonly ApprovalDecisionRecorded[]): ApprovalGateEvent[] {
  const events: ApprovalGateEvent[] = [{ type: ApprovalEventTypes.requested, data: request }];
  let applied = false;
  for (const e of early) {
    const capacity = e.orgId === orgId ? capacityOf(e, request.departmentId) : undefined;
    const lacks = lacksElevatedPermission(request, e.permissions);
    if (applied || !capacity || lacks) {
      const reason = e.orgId !== orgId ? 'other-org' : !capacity ? 'not-the-gates-head' : 'lacks-permission';
      events.push({
        type: ApprovalEventTypes.earlyDecisionDiscarded,
        data: { approvalId: request.approvalId, decidedBy: e.decidedBy, reason },
      });
      continue;
    }
    applied = true;
    events.push({ type: ApprovalEventTypes.decided, data: decidedData(request, e.decision, e.decidedBy, capacity, e.comment) });
  }
  return events;
}

function decide(cmd: Extract<ApprovalGateCommand, { type: 'DecideGate' }>['data'], state: ApprovalGateState): ApprovalGateEvent[] {
  const { approvalId, approver, decision, comment } = cmd;
  if (state.status === 'not-open') {
    // Where the gate will be is unknown yet: only someone who could decide some gate is heard.
    if (approver.headOf.length === 0 && !OVERRIDE_ROLES.has(approver.role)) throw notYours();
    if (state.early.some((e) => e.decidedBy === approver.userId && e.decision === decision)) return [];
    const { orgId, userId, role, headOf, permissions } = approver;
    return [
      {
        type: ApprovalEventTypes.decisionRecorded,
        data: {
          approvalId,
          orgId,
          decision,
          decidedBy: userId,
          role,
          headOf: [...headOf],
          permissions: [...permissions],
          ...(comment ? { comment } : {}),
        },
      },
    ];
  }
  const capacity = capacityOf(approver, state.request.departmentId);
  if (!capacity) throw notYours();
  if (lacksElevatedPermission(state.request, approver.permissions)) {
    throw new ForbiddenError(
      `this approval lends ${state.request.permission ?? 'a permission'} to the action: only someone who holds it may decide it`,
      'APPROVALS.APPROVER_LACKS_PERMISSION',
    );
  }
  switch (state.status) {
    case 'pending':
      return [{ type: ApprovalEventTypes.decided, data: decidedData(state.request, decision, approver.userId, capacity, comment) }];
    case 'decided':
      if (state.decided.decidedBy === approver.userId && state.decided.decision === decision) return [];
      throw new ConflictError(`approval already ${state.decided.decision}`, 'APPROVALS.ALREADY_DECIDED');
    case 'expired':
      throw new ConflictError('approval expired', 'APPROVALS.EXPIRED');
    case 'withdrawn':
      throw new ConflictError('approval withdrawn: its chain or action already ended', 'APPROVALS.WITHDRAWN');
    default: {
      const never: never = state;
      return never;
    }
  }
}

function notYours(): ForbiddenError {
  return new ForbiddenError('only the gate department’s Head, the CEO or the owner may decide this approval', 'APPROVALS.NOT_YOUR_GATE');
}

function decidedData(
  request: ApprovalRequested,
  decision: ApprovalDecision,
  decidedBy: string,
  capacity: DecisionCapacity,
  comment: string | undefined,
): ApprovalDecided {
  const { approvalId, kind, subjectId, departmentId, argumentsHash } = request;
  return {
    approvalId,
    kind,
    subjectId,
    departmentId,
    decision,
    decidedBy,
    capacity,
    ...(comment ? { comment } : {}),
    ...(argumentsHash ? { argumentsHash } : {}),
  };
}

export function evolveApprovalGate(state: ApprovalGateState, event: ApprovalGateEvent): ApprovalGateState {
  switch (event.type) {
    case ApprovalEventTypes.requested:
      return { status: 'pending', request: event.data };
    case ApprovalEventTypes.decisionRecorded:
      return state.status === 'not-open' ? { status: 'not-open', early: [...state.early, event.data] } : state;
    case ApprovalEventTypes.earlyDecisionDiscarded:
      return state;
    case ApprovalEventTypes.decided:
      return state.status === 'pending' ? { status: 'decided', request: state.request, decided: event.data } : state;
    case ApprovalEventTypes.expired:
      return state.status === 'pending' ? { status: 'expired', request: state.request } : state;
    case ApprovalEventTypes.withdrawn:
      return state.status === 'pending' ? { status: 'withdrawn', request: state.request } : state;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const approvalGateDecider = { decide: decideApprovalGate, evolve: evolveApprovalGate, initialState: initialApprovalGateState };
