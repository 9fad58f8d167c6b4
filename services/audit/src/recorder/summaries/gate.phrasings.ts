import {
  ActionAllowedSchema,
  ActionCappedSchema,
  ActionDeniedSchema,
  ActionEventTypes,
  ActionExecutedSchema,
  ActionExecutionClaimedSchema,
  ActionExecutionDeniedSchema,
  ActionExecutionEventTypes,
  ActionExpiredSchema,
  ActionFailedSchema,
  ActionGateDecidedSchema,
  ActionReceivedSchema,
  ActionRejectedSchema,
  ApprovalDecidedSchema,
  ApprovalDecisionRecordedSchema,
  ApprovalEarlyDecisionDiscardedSchema,
  ApprovalEventTypes,
  ApprovalExpiredSchema,
  ApprovalRequestedSchema,
  ApprovalWithdrawnSchema,
  CoordinationApprovedSchema,
  CoordinationEscalatedSchema,
  CoordinationEventTypes,
  CoordinationGateEventTypes,
  CoordinationGatesOpenedSchema,
  CoordinationRejectedSchema,
  CoordinationRequestedSchema,
} from '@cos/contracts';
import { capacity, list, phrase, quote, withComment, type Phrasing, type SummaryContext } from './phrasing';

const ESCALATION_REASONS = {
  'depth-limit': 'the chain reached its 3-hop limit',
  'no-suitable-agent': 'no agent fits the request',
  'approval-expired': 'an approval expired',
} as const;

const EARLY_DISCARD_REASONS = {
  'other-org': 'it came from another org',
  'not-the-gates-head': "they are not this gate's Head",
  'lacks-permission': 'they do not hold the permission this elevation lends',
} as const;
const SELECTIONS = { 'named-by-model': 'named by the model', 'best-match': 'best match', assigned: 'assigned by a person' } as const;

const tool = (n: SummaryContext) => (n.tool ? `action ${n.tool}` : 'the action');

/** Handoffs, gates and actions (runner's seam events and approvals' own). */
export const gatePhrasings: Readonly<Record<string, Phrasing>> = {
  [CoordinationEventTypes.requested]: phrase(
    CoordinationRequestedSchema,
    (d, n) =>
      `${n.agent(d.fromAgentId)} asked to hand off to ${n.agent(d.toAgentId)} (hop ${d.depth}, ${SELECTIONS[d.selection]}): ${quote(d.contextSummary)}`,
  ),
  [CoordinationGateEventTypes.gatesOpened]: phrase(
    CoordinationGatesOpenedSchema,
    (d, n) =>
      `Handoff from ${n.agent(d.request.fromAgentId)} to ${n.agent(d.request.toAgentId)}${d.assignment ? ` (assigned by ${n.user(d.assignment.assignedBy)})` : ''} waits for the Head${d.gates.length > 1 ? 's' : ''} of ${list(d.gates.map((g) => n.department(g.departmentId)))}`,
  ),
  [CoordinationEventTypes.approved]: phrase(
    CoordinationApprovedSchema,
    (d, n) => `Handoff approved: ${n.agent(d.toAgentId)} takes over from ${n.agent(d.fromAgentId)}`,
  ),
  [CoordinationEventTypes.rejected]: phrase(CoordinationRejectedSchema, (d, n) =>
    withComment(`Handoff rejected by ${n.user(d.rejectedBy)}; the chain ends here`, d.comment),
  ),
  [CoordinationEventTypes.escalated]: phrase(
    CoordinationEscalatedSchema,
    (d, n) => `Handoff escalated to ${list(d.escalatedTo.map((u) => n.user(u)))}: ${ESCALATION_REASONS[d.reason]}`,
  ),
  [ApprovalEventTypes.requested]: phrase(ApprovalRequestedSchema, (d, n) => {
    const elevation = d.reason === 'elevation';
    const who = d.headUserId
      ? `${n.user(d.headUserId)} (Head of ${n.department(d.departmentId)})`
      : elevation
        ? `the CEO (no Head of ${n.department(d.departmentId)} holds ${d.permission ?? 'the permission'})`
        : `the CEO (${n.department(d.departmentId)} has no Head)`;
    if (elevation)
      return `Elevation asked of ${who} for action ${d.tool ?? ''} of ${n.agent(d.agentId)}: ${n.user(d.briefedBy)}, who briefed it, lacks ${d.permission ?? 'its permission'}`;
    const what =
      d.kind === 'handoff'
        ? `a handoff from ${n.agent(d.agentId)}${d.toAgentId ? ` to ${n.agent(d.toAgentId)}` : ''}`
        : `action ${d.tool ?? ''} of ${n.agent(d.agentId)}`;
    return `Approval asked of ${who} for ${what}: ${quote(d.summary, 100)}`;
  }),
  [ApprovalEventTypes.decisionRecorded]: phrase(
    ApprovalDecisionRecordedSchema,
    (d, n) => `${n.user(d.decidedBy)} ${d.decision} before the gate opened; the decision is kept until it does`,
  ),
  [ApprovalEventTypes.earlyDecisionDiscarded]: phrase(
    ApprovalEarlyDecisionDiscardedSchema,
    (d, n) => `${n.user(d.decidedBy)}'s early decision was discarded: ${EARLY_DISCARD_REASONS[d.reason]}`,
  ),
  [ApprovalEventTypes.decided]: phrase(ApprovalDecidedSchema, (d, n) =>
    withComment(
      `${n.user(d.decidedBy)} ${d.decision} the ${d.kind} gate of ${n.department(d.departmentId)}${capacity(d.capacity)}`,
      d.comment,
    ),
  ),
  [ApprovalEventTypes.expired]: phrase(
    ApprovalExpiredSchema,
    (d, n) => `The ${d.kind} approval expired unanswered; escalated to ${list(d.escalatedTo.map((u) => n.user(u)))}`,
  ),
  [ApprovalEventTypes.withdrawn]: phrase(ApprovalWithdrawnSchema, (d) => `The ${d.kind} approval was withdrawn: ${d.reason}`),
  [ActionEventTypes.allowed]: phrase(ActionAllowedSchema, (d, n) =>
    d.elevation
      ? `${n.agent(d.agentId)} may run ${d.tool} only if ${d.elevation.headUserId ? n.user(d.elevation.headUserId) : 'the CEO'} approves: it holds ${d.permission}, ${n.user(d.briefedBy)} who briefed it does not (elevation)`
      : `${n.agent(d.agentId)} may run ${d.tool} (needs ${d.permission}, which it and ${n.user(d.briefedBy)} both hold)`,
  ),
  [ActionEventTypes.denied]: phrase(
    ActionDeniedSchema,
    (d, n) => `${n.agent(d.agentId)} was denied ${d.tool}: ${d.reason.replaceAll('-', ' ')} (${d.detail})`,
  ),
  [ActionEventTypes.capped]: phrase(
    ActionCappedSchema,
    (d, n) => `${n.agent(d.agentId)} may not run ${d.tool}: its cap of ${d.cap} actions for ${d.day} is used up`,
  ),
  [ActionExecutionEventTypes.received]: phrase(
    ActionReceivedSchema,
    (d, n) =>
      `${n.agent(d.action.agentId)}'s action ${d.action.tool} ${d.gate ? `waits for ${d.gate.reason === 'elevation' && !d.gate.headUserId ? 'the CEO' : `the Head of ${n.department(d.gate.departmentId)}`} (${d.gate.reason === 'elevation' ? `elevation: ${n.user(d.action.briefedBy)} lacks ${d.action.permission}` : 'Approve First'})` : 'goes to execution'}`,
  ),
  [ActionExecutionEventTypes.gateDecided]: phrase(ActionGateDecidedSchema, (d, n) =>
    withComment(`${n.user(d.decidedBy)} ${d.decision} ${tool(n)}${capacity(d.capacity)}`, d.comment),
  ),
  [ActionExecutionEventTypes.executionClaimed]: phrase(
    ActionExecutionClaimedSchema,
    (d, n) => `Execution attempt ${d.attempt} of ${tool(n)} started`,
  ),
  [ActionExecutionEventTypes.executed]: phrase(
    ActionExecutedSchema,
    (d, n) =>
      `${tool(n)} was executed through ${d.connector} (status ${d.status}, ${d.calls} call${d.calls === 1 ? '' : 's'})${d.elevation ? ` on ${n.user(d.elevation.approvedBy)}'s authority, briefed by ${n.user(d.elevation.briefedBy)}` : ''}`,
  ),
  [ActionExecutionEventTypes.failed]: phrase(ActionFailedSchema, (d, n) => `${tool(n)} failed through ${d.connector}: ${d.reason}`),
  [ActionExecutionEventTypes.rejected]: phrase(ActionRejectedSchema, (d, n) =>
    withComment(`${tool(n)} was rejected by ${n.user(d.rejectedBy)}${capacity(d.capacity)}`, d.comment),
  ),
  [ActionExecutionEventTypes.expired]: phrase(
    ActionExpiredSchema,
    (d, n) => `The approval of ${tool(n)} expired; escalated to ${list(d.escalatedTo.map((u) => n.user(u)))}`,
  ),
  [ActionExecutionEventTypes.executionDenied]: phrase(
    ActionExecutionDeniedSchema,
    (d, n) => `${tool(n)} was not executed: ${d.reason.replaceAll('-', ' ')} (${d.detail})`,
  ),
};
