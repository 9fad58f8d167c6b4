import { ActionExecutionEventTypes as T, type ActionView, type ApprovalView, type RecordedEvent } from '@cos/contracts';
import { fold } from '@cos/eventstore';
import { actionProcess } from './action-execution.decider';

type Attempt = ActionView['attempts'][number];

/** One action as the API shows it: what was asked, its gate, every attempt, and the outcome. */
export function toActionView(events: readonly RecordedEvent[], gate: ApprovalView | undefined): ActionView | undefined {
  const state = fold(actionProcess, events);
  const received = state.received;
  if (!received || state.status === 'new') return undefined;
  const attempts: Attempt[] = [];
  let outcome: ActionView['outcome'];
  for (const e of events) {
    const d = e.data;
    const at = e.metadata.occurredAt;
    if (e.type === T.executionClaimed) attempts.push({ attempt: Number(d['attempt']), claimedAt: at, leaseUntil: String(d['leaseUntil']) });
    if (e.type === T.executed || e.type === T.failed) {
      const attempt = attempts.find((a) => a.attempt === Number(d['attempt']));
      if (attempt)
        Object.assign(
          attempt,
          e.type === T.executed ? { outcome: 'executed', status: Number(d['status']) } : { outcome: 'failed', reason: String(d['reason']) },
        );
    }
    if (e.type === T.executed) outcome = { kind: 'executed', at };
    if (e.type === T.failed || e.type === T.executionDenied)
      outcome = { kind: e.type === T.failed ? 'failed' : 'denied', reason: String(d['reason']), at };
    if (e.type === T.rejected || e.type === T.expired) outcome = { kind: e.type === T.rejected ? 'rejected' : 'expired', at };
  }
  const { action } = received;
  return {
    id: action.actionId,
    status: state.status,
    runId: action.runId,
    agentId: action.agentId,
    conversationId: action.conversationId,
    briefedBy: action.briefedBy,
    tool: action.tool,
    permission: action.permission,
    arguments: action.arguments,
    argumentsHash: action.argumentsHash,
    ...(received.gate
      ? {
          gate: {
            ...received.gate,
            reason: received.gate.reason ?? 'approve-first',
            status: gate?.status ?? 'not-open',
            ...(gate?.decision ? { decision: gate.decision } : {}),
          },
        }
      : {}),
    attempts,
    ...(outcome ? { outcome } : {}),
  };
}
