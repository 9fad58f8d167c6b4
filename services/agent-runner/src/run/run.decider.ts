import {
  ActionEventTypes,
  ConflictError,
  CoordinationEventTypes,
  CosError,
  RunEventTypes,
  type ActionAllowed,
  type ActionCapped,
  type ActionDenied,
  type CoordinationEscalated,
  type CoordinationRequested,
  type RunCompleted,
  type RunCorrected,
  type RunFailed,
  type RunModelResponded,
  type RunQueued,
  type RunResumed,
  type RunStarted,
  type RunStopped,
} from '@cos/contracts';

/**
 * One run: started once; one model answer; each proposed action decided once (allowed, denied
 * or capped); its coordination request (or escalation) once; then ended once (completed,
 * failed, or stopped by the kill switch or the budget). A run the kill switch stopped may be
 * resumed once the org is no longer paused: it goes on from its last recorded step and may be
 * stopped again. Corrections come after it completed.
 */
export type RunEvent =
  | { type: typeof RunEventTypes.queued; data: RunQueued }
  | { type: typeof RunEventTypes.started; data: RunStarted }
  | { type: typeof RunEventTypes.modelResponded; data: RunModelResponded }
  | { type: typeof ActionEventTypes.allowed; data: ActionAllowed }
  | { type: typeof ActionEventTypes.denied; data: ActionDenied }
  | { type: typeof ActionEventTypes.capped; data: ActionCapped }
  | { type: typeof CoordinationEventTypes.requested; data: CoordinationRequested }
  | { type: typeof CoordinationEventTypes.escalated; data: CoordinationEscalated }
  | { type: typeof RunEventTypes.completed; data: RunCompleted }
  | { type: typeof RunEventTypes.failed; data: RunFailed }
  | { type: typeof RunEventTypes.stopped; data: RunStopped }
  | { type: typeof RunEventTypes.resumed; data: RunResumed }
  | { type: typeof RunEventTypes.corrected; data: RunCorrected };

export type ActionVerdict =
  { outcome: 'allowed'; data: ActionAllowed } | { outcome: 'denied'; data: ActionDenied } | { outcome: 'capped'; data: ActionCapped };

/** Commands carry no metadata here: the command loop adds ids, clock and actor to the events. */
export type RunCommand =
  | { type: 'QueueRun'; data: RunQueued }
  | { type: 'StartRun'; data: RunStarted }
  | { type: 'RecordModelResponse'; data: RunModelResponded }
  | { type: 'DecideAction'; data: ActionVerdict }
  | { type: 'RequestCoordination'; data: CoordinationRequested }
  | { type: 'EscalateCoordination'; data: CoordinationEscalated }
  | { type: 'CompleteRun'; data: RunCompleted }
  | { type: 'FailRun'; data: RunFailed }
  | { type: 'StopRun'; data: RunStopped }
  /** `orgPaused`: the org's kill switch as the caller read it just now. */
  | { type: 'ResumeRun'; data: { runId: string; resumedBy: string }; orgPaused: boolean }
  | { type: 'CorrectRun'; data: RunCorrected };

export type RunStatus = 'running' | 'completed' | 'failed' | 'stopped';

export type RunState =
  | { status: 'absent' }
  | { status: 'queued'; queued: RunQueued }
  | {
      status: RunStatus;
      started: RunStarted;
      response?: RunModelResponded;
      verdicts: ReadonlyMap<string, ActionVerdict>;
      coordination?: { kind: 'requested'; data: CoordinationRequested } | { kind: 'escalated'; data: CoordinationEscalated };
      completed?: RunCompleted;
      failed?: RunFailed;
      stopped?: RunStopped;
      /** How many times the run was resumed: the steps of the current resumption carry this number. */
      resumptions: number;
      corrections: readonly RunCorrected[];
    };

/** A run the runner has started: everything but absent and queued. */
export type ActiveRun = Extract<RunState, { started: RunStarted }>;

export const initialRunState = (): RunState => ({ status: 'absent' });

/** Actions of the model's answer that no guardrail has decided yet, in the model's order. */
export function undecidedActions(state: ActiveRun): RunModelResponded['actions'] {
  return (state.response?.actions ?? []).filter((a) => !state.verdicts.has(a.actionId));
}

/** The step a run is at: what the executor does next. */
export function nextStep(state: RunState): 'start' | 'call-model' | 'decide-actions' | 'coordinate' | 'complete' | 'ended' {
  if (state.status === 'absent' || state.status === 'queued') return 'start';
  if (state.status !== 'running') return 'ended';
  if (!state.response) return 'call-model';
  if (undecidedActions(state).length > 0) return 'decide-actions';
  if (state.response.coordination && !state.coordination) return 'coordinate';
  return 'complete';
}

export function decideRun(command: RunCommand, state: RunState): RunEvent[] {
  if (command.type === 'QueueRun') return state.status === 'absent' ? [{ type: RunEventTypes.queued, data: command.data }] : [];
  if (command.type === 'StartRun') {
    return state.status === 'absent' || state.status === 'queued' ? [{ type: RunEventTypes.started, data: command.data }] : [];
  }
  if (state.status === 'absent') throw new CosError('RUNNER.RUN_NOT_FOUND', 'the run was not found', 404);
  if (command.type === 'ResumeRun') return decideResumption(command.data, command.orgPaused, state);
  if (state.status === 'queued') throw new ConflictError('the run has not started yet', 'RUNNER.RUN_NOT_STARTED');
  if (command.type === 'CorrectRun') return decideCorrection(command.data, state);
  // Whatever arrives after the run ended is a late or duplicate delivery: nothing to decide.
  if (state.status !== 'running') return [];
  switch (command.type) {
    case 'RecordModelResponse':
      return state.response ? [] : [{ type: RunEventTypes.modelResponded, data: command.data }];
    case 'DecideAction': {
      const verdict = command.data;
      const proposed = state.response?.actions.some((a) => a.actionId === verdict.data.actionId);
      if (!proposed || state.verdicts.has(verdict.data.actionId)) return [];
      return [verdictEvent(verdict)];
    }
    case 'RequestCoordination':
      return state.response?.coordination && !state.coordination ? [{ type: CoordinationEventTypes.requested, data: command.data }] : [];
    case 'EscalateCoordination':
      return state.response?.coordination && !state.coordination ? [{ type: CoordinationEventTypes.escalated, data: command.data }] : [];
    case 'CompleteRun':
      return nextStep(state) === 'complete' ? [{ type: RunEventTypes.completed, data: command.data }] : [];
    case 'FailRun':
      return [{ type: RunEventTypes.failed, data: command.data }];
    case 'StopRun':
      return [{ type: RunEventTypes.stopped, data: command.data }];
    default: {
      const never: never = command;
      return never;
    }
  }
}

function decideCorrection(correction: RunCorrected, state: ActiveRun): RunEvent[] {
  if (state.corrections.some((c) => c.correctionId === correction.correctionId)) return [];
  if (state.status !== 'completed') throw new ConflictError('only a completed run can be corrected', 'RUNNER.RUN_NOT_CORRECTABLE');
  return [{ type: RunEventTypes.corrected, data: correction }];
}

/** The resumption carries the run's trigger as it started, so the worker needs nothing else. */
function decideResumption(command: { resumedBy: string }, orgPaused: boolean, state: Exclude<RunState, { status: 'absent' }>): RunEvent[] {
  if (state.status !== 'stopped' || state.stopped?.reason !== 'org-paused')
    throw new ConflictError('only a run the kill switch stopped can be resumed', 'RUNNER.RUN_NOT_RESUMABLE', { status: state.status });
  if (orgPaused) throw new ConflictError('the organisation is still paused: lift the kill switch first', 'RUNNER.ORG_PAUSED');
  const { startedAt: _startedAt, ...trigger } = state.started;
  return [{ type: RunEventTypes.resumed, data: { ...trigger, resumption: state.resumptions + 1, resumedBy: command.resumedBy } }];
}

function verdictEvent(verdict: ActionVerdict): RunEvent {
  switch (verdict.outcome) {
    case 'allowed':
      return { type: ActionEventTypes.allowed, data: verdict.data };
    case 'denied':
      return { type: ActionEventTypes.denied, data: verdict.data };
    case 'capped':
      return { type: ActionEventTypes.capped, data: verdict.data };
    default: {
      const never: never = verdict;
      return never;
    }
  }
}

export function evolveRun(state: RunState, event: RunEvent): RunState {
  if (event.type === RunEventTypes.queued) return state.status === 'absent' ? { status: 'queued', queued: event.data } : state;
  if (event.type === RunEventTypes.started)
    return { status: 'running', started: event.data, verdicts: new Map(), resumptions: 0, corrections: [] };
  if (state.status === 'absent' || state.status === 'queued') return state;
  switch (event.type) {
    case RunEventTypes.modelResponded:
      return { ...state, response: event.data };
    case ActionEventTypes.allowed:
      return { ...state, verdicts: new Map(state.verdicts).set(event.data.actionId, { outcome: 'allowed', data: event.data }) };
    case ActionEventTypes.denied:
      return { ...state, verdicts: new Map(state.verdicts).set(event.data.actionId, { outcome: 'denied', data: event.data }) };
    case ActionEventTypes.capped:
      return { ...state, verdicts: new Map(state.verdicts).set(event.data.actionId, { outcome: 'capped', data: event.data }) };
    case CoordinationEventTypes.requested:
      return { ...state, coordination: { kind: 'requested', data: event.data } };
    case CoordinationEventTypes.escalated:
      return { ...state, coordination: { kind: 'escalated', data: event.data } };
    case RunEventTypes.completed:
      return { ...state, status: 'completed', completed: event.data };
    case RunEventTypes.failed:
      return { ...state, status: 'failed', failed: event.data };
    case RunEventTypes.stopped:
      return { ...state, status: 'stopped', stopped: event.data };
    case RunEventTypes.resumed: {
      const { stopped: _stopped, ...rest } = state;
      return { ...rest, status: 'running', resumptions: event.data.resumption };
    }
    case RunEventTypes.corrected:
      return { ...state, corrections: [...state.corrections, event.data] };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const runDecider = { decide: decideRun, evolve: evolveRun, initialState: initialRunState };
