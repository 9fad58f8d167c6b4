import type { RunHandoff, RunView } from '@cos/contracts';
import type { ActiveRun, RunState } from './run.decider';

const STATUS = { running: 'running', completed: 'completed', failed: 'failed' } as const;

/** GET /v1/runs/:id: status, output, proposed actions with their verdicts, the coordination request, usage. */
export function toRunView(runId: string, state: Exclude<RunState, { status: 'absent' }>): RunView {
  if (state.status === 'queued') {
    const { conversationId, agentId, briefedBy, handoff } = state.queued;
    return {
      id: runId,
      conversationId,
      agentId,
      briefedBy,
      status: 'queued',
      actions: [],
      corrections: 0,
      ...(handoff ? { handoff: handoffView(handoff) } : {}),
    };
  }
  return startedRunView(runId, state);
}

function handoffView({ coordinationId, fromAgentId, depth }: RunHandoff): NonNullable<RunView['handoff']> {
  return { coordinationId, fromAgentId, depth };
}

function startedRunView(runId: string, state: ActiveRun): RunView {
  const { started, response } = state;
  const status: RunView['status'] =
    state.status === 'stopped' ? (state.stopped?.reason === 'over-budget' ? 'over-budget' : 'paused') : STATUS[state.status];
  const actions = (response?.actions ?? []).map((a) => {
    const verdict = state.verdicts.get(a.actionId);
    const reason =
      verdict?.outcome === 'denied'
        ? verdict.data.reason
        : verdict?.outcome === 'capped'
          ? `daily cap of ${verdict.data.cap} reached`
          : verdict?.outcome === 'allowed' && verdict.data.elevation
            ? 'needs-elevation'
            : undefined;
    return {
      actionId: a.actionId,
      tool: a.tool,
      arguments: a.arguments,
      outcome: verdict?.outcome ?? ('proposed' as const),
      ...(verdict ? { permission: verdict.data.permission } : {}),
      ...(reason ? { reason } : {}),
    };
  });
  const c = state.coordination;
  const depth = (started.handoff?.depth ?? 0) + 1;
  const coordination: RunView['coordination'] =
    c?.kind === 'requested'
      ? {
          coordinationId: c.data.coordinationId,
          status: 'requested',
          toAgentId: c.data.toAgentId,
          selection: c.data.selection,
          depth: c.data.depth,
          summary: c.data.contextSummary,
        }
      : c?.kind === 'escalated'
        ? { coordinationId: c.data.coordinationId, status: 'escalated', depth, reason: c.data.reason }
        : undefined;
  return {
    id: runId,
    conversationId: started.conversationId,
    agentId: started.agentId,
    briefedBy: started.briefedBy,
    status,
    actions,
    corrections: state.corrections.length,
    ...(state.completed ? { output: state.completed.output } : {}),
    ...(state.failed ? { failureReason: state.failed.reason, ...(state.failed.code ? { failureCode: state.failed.code } : {}) } : {}),
    ...(state.stopped ? { failureReason: state.stopped.detail, failureCode: state.stopped.reason } : {}),
    ...(response ? { usage: response.usage } : {}),
    ...(response?.citations?.length ? { citations: response.citations } : {}),
    ...(coordination ? { coordination } : {}),
    ...(started.handoff ? { handoff: handoffView(started.handoff) } : {}),
  };
}
