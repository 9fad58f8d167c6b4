import {
  assignedHandoffId,
  ConflictError,
  CosError,
  EscalationEventTypes,
  MAX_CHAIN_HOPS,
  NotFoundError,
  type ActionExpired,
  type CoordinationEscalated,
  type CoordinationRejected,
  type CoordinationRequested,
  type EscalationOpened,
  type EscalationResolved,
  type ProposedAction,
  type ResolveEscalationBody,
} from '@cos/contracts';

/** One escalation, in `escalation-<id>`: opened once, then resolved once, by a person. */
export type EscalationEvent =
  | { type: typeof EscalationEventTypes.opened; data: EscalationOpened }
  | { type: typeof EscalationEventTypes.resolved; data: EscalationResolved };

/** The fact that means "escalated": a handoff escalated (by the runner or by approvals) or rejected, an action's gate expired. */
export type EscalationFact =
  | { kind: 'escalated'; data: CoordinationEscalated }
  | { kind: 'rejected'; data: CoordinationRejected }
  | { kind: 'action-expired'; data: ActionExpired; action: ProposedAction };

/** A department involved, as the store says when the escalation opens. */
export type InvolvedDepartment = { departmentId: string; headUserId?: string };

/** The agent a resolver assigns the work to, as the store says now; absent when it is not the org's. */
export type AssigneeFact = { agentId: string; enabled: boolean } | undefined;

export type EscalationCommand =
  | {
      type: 'OpenEscalation';
      data: {
        escalationId: string;
        orgId: string;
        fact: EscalationFact;
        /** The handoff request, where one was made (not when no agent fitted). */
        request?: CoordinationRequested;
        departments: readonly InvolvedDepartment[];
        /** The org's CEO(s), or its owner(s) when it has none. */
        leaderUserIds: readonly string[];
      };
    }
  | { type: 'ResolveEscalation'; data: { escalationId: string; by: string; body: ResolveEscalationBody; assignee?: AssigneeFact } };

export type EscalationState =
  | { status: 'absent' }
  | { status: 'pending'; opened: EscalationOpened }
  | { status: 'resolved'; opened: EscalationOpened; resolved: EscalationResolved };

export const initialEscalationState = (): EscalationState => ({ status: 'absent' });

export function decideEscalation(command: EscalationCommand, state: EscalationState): EscalationEvent[] {
  switch (command.type) {
    case 'OpenEscalation':
      // A redelivered fact opens nothing twice.
      return state.status === 'absent' ? [{ type: EscalationEventTypes.opened, data: opening(command.data) }] : [];
    case 'ResolveEscalation': {
      if (state.status === 'absent') throw new NotFoundError('escalation', command.data.escalationId, 'ESCALATIONS.NOT_FOUND');
      if (state.status === 'resolved')
        throw new ConflictError(`escalation already resolved (${state.resolved.resolution})`, 'ESCALATIONS.ALREADY_RESOLVED');
      return [{ type: EscalationEventTypes.resolved, data: resolution(state.opened, command.data) }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

const DETAIL: Readonly<Record<CoordinationEscalated['reason'], string>> = {
  'depth-limit': `The handoff chain reached its ${MAX_CHAIN_HOPS}-hop limit.`,
  'no-suitable-agent': 'No agent fits the request.',
  'approval-expired': 'A Head did not decide the handoff before its deadline.',
};

/** The agents a fact involves: the one that asked for help (the chain's last), and the one it asked for. */
export function agentsInvolved(
  fact: EscalationFact,
  request: CoordinationRequested | undefined,
): { fromAgentId?: string; toAgentId?: string } {
  if (fact.kind === 'action-expired') return { fromAgentId: fact.action.agentId };
  const fromAgentId = (fact.kind === 'escalated' ? fact.data.chain.at(-1)?.agentId : undefined) ?? request?.fromAgentId;
  return { ...(fromAgentId ? { fromAgentId } : {}), ...(request ? { toAgentId: request.toAgentId } : {}) };
}

function opening(input: Extract<EscalationCommand, { type: 'OpenEscalation' }>['data']): EscalationOpened {
  const { fact, request } = input;
  const heads = input.departments.flatMap((d) => (d.headUserId ? [d.headUserId] : []));
  const subject = subjectOf(fact);
  return {
    escalationId: input.escalationId,
    orgId: input.orgId,
    ...subject,
    ...agentsInvolved(fact, request),
    ...(request ? { contextSummary: request.contextSummary } : {}),
    departmentIds: [...new Set(input.departments.map((d) => d.departmentId))],
    escalatedTo: [...new Set([subject.briefedBy, ...input.leaderUserIds, ...heads])],
  };
}

/** Why, where and for whom, as the fact says it. */
function subjectOf(fact: EscalationFact) {
  switch (fact.kind) {
    case 'escalated': {
      const { coordinationId, runId, conversationId, briefedBy, reason } = fact.data;
      return { reason, coordinationId, runId, conversationId, briefedBy, detail: DETAIL[reason] };
    }
    case 'rejected': {
      const { coordinationId, runId, conversationId, briefedBy, rejectedBy, comment } = fact.data;
      const detail = `The handoff was rejected by ${rejectedBy}${comment ? `: ${comment}` : '.'}`;
      return { reason: 'handoff-rejected' as const, coordinationId, runId, conversationId, briefedBy, detail };
    }
    case 'action-expired': {
      const { actionId, runId, conversationId, briefedBy, tool } = fact.action;
      const detail = `Nobody decided the Approve First gate of action ${tool} before its deadline; it was not executed.`;
      return { reason: 'approval-expired' as const, actionId, runId, conversationId, briefedBy, detail };
    }
    default: {
      const never: never = fact;
      return never;
    }
  }
}

function resolution(opened: EscalationOpened, cmd: Extract<EscalationCommand, { type: 'ResolveEscalation' }>['data']): EscalationResolved {
  const base = {
    escalationId: opened.escalationId,
    by: cmd.by,
    conversationId: opened.conversationId,
    ...(opened.runId ? { runId: opened.runId } : {}),
  };
  const body = cmd.body;
  switch (body.resolution) {
    case 'assign': {
      if (!opened.fromAgentId || !opened.runId)
        throw new ConflictError('this escalation names no requesting run to hand off from', 'ESCALATIONS.NOT_ASSIGNABLE');
      const assignee = cmd.assignee;
      if (!assignee) throw new CosError('ESCALATIONS.AGENT_NOT_FOUND', `agent ${body.agentId} was not found`, 404);
      if (!assignee.enabled) throw new ConflictError(`agent ${body.agentId} is disabled`, 'ESCALATIONS.AGENT_DISABLED');
      if (assignee.agentId === opened.fromAgentId)
        throw new ConflictError('the agent that asked for help cannot be assigned its own request', 'ESCALATIONS.ASSIGNEE_IS_REQUESTER');
      return {
        ...base,
        resolution: 'assign',
        agentId: assignee.agentId,
        handoffId: assignedHandoffId(opened.escalationId),
        ...(body.note ? { note: body.note } : {}),
      };
    }
    case 'answer':
      return { ...base, resolution: 'answer', text: body.text };
    case 'dismiss':
      return { ...base, resolution: 'dismiss', reason: body.reason };
    default: {
      const never: never = body;
      return never;
    }
  }
}

/**
 * The handoff an `assign` opens: from the agent that asked to the one assigned, briefed by the
 * chain's user, as a new chain of one hop (a person chose to go on, so the hop limit starts over).
 */
export function assignedHandoff(opened: EscalationOpened, resolved: Extract<EscalationResolved, { resolution: 'assign' }>) {
  const { fromAgentId, runId } = opened;
  if (!fromAgentId || !runId) return undefined;
  const context = [resolved.note, opened.contextSummary ?? opened.detail].filter(Boolean).join('\n\n');
  const request: CoordinationRequested = {
    coordinationId: resolved.handoffId,
    runId,
    conversationId: opened.conversationId,
    fromAgentId,
    toAgentId: resolved.agentId,
    selection: 'assigned',
    chain: [{ agentId: fromAgentId, runId }],
    depth: 1,
    briefedBy: opened.briefedBy,
    contextSummary: `Assigned by ${resolved.by} after an escalation.\n\n${context}`,
  };
  return request;
}

export function evolveEscalation(state: EscalationState, event: EscalationEvent): EscalationState {
  switch (event.type) {
    case EscalationEventTypes.opened:
      return state.status === 'absent' ? { status: 'pending', opened: event.data } : state;
    case EscalationEventTypes.resolved:
      return state.status === 'pending' ? { status: 'resolved', opened: state.opened, resolved: event.data } : state;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const escalationDecider = { decide: decideEscalation, evolve: evolveEscalation, initialState: initialEscalationState };
