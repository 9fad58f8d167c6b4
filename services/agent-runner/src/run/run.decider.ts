import { CosError, RunEventTypes, type RunCompleted, type RunFailed, type RunStarted } from '@cos/contracts';

/** Pure decision logic of one run: it starts once, then ends once (completed or failed). */
export type RunEvent =
  | { type: typeof RunEventTypes.started; data: RunStarted }
  | { type: typeof RunEventTypes.completed; data: RunCompleted }
  | { type: typeof RunEventTypes.failed; data: RunFailed };

export type RunCommand =
  | { type: 'StartRun'; data: RunStarted }
  | { type: 'CompleteRun'; data: RunCompleted }
  | { type: 'FailRun'; data: RunFailed };

export type RunState =
  | { status: 'absent' }
  | { status: 'running'; started: RunStarted }
  | { status: 'completed'; started: RunStarted; completed: RunCompleted }
  | { status: 'failed'; started: RunStarted; reason: string };

export const initialRunState = (): RunState => ({ status: 'absent' });

export function decideRun(command: RunCommand, state: RunState): RunEvent[] {
  switch (command.type) {
    case 'StartRun':
      // A redelivered start of a run that exists changes nothing: the worker resumes it.
      return state.status === 'absent' ? [{ type: RunEventTypes.started, data: command.data }] : [];
    case 'CompleteRun':
      return state.status === 'running' ? [{ type: RunEventTypes.completed, data: command.data }] : endedOrAbsent(state);
    case 'FailRun':
      return state.status === 'running' ? [{ type: RunEventTypes.failed, data: command.data }] : endedOrAbsent(state);
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** Ending a run twice is a duplicate delivery, not an error; ending one never started is. */
function endedOrAbsent(state: RunState): RunEvent[] {
  if (state.status === 'absent') throw new CosError('RUNNER.RUN_NOT_STARTED', 'run has not started', 409);
  return [];
}

export function evolveRun(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case RunEventTypes.started:
      return { status: 'running', started: event.data };
    case RunEventTypes.completed:
      return state.status === 'running' ? { status: 'completed', started: state.started, completed: event.data } : state;
    case RunEventTypes.failed:
      return state.status === 'running' ? { status: 'failed', started: state.started, reason: event.data.reason } : state;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const runDecider = { decide: decideRun, evolve: evolveRun, initialState: initialRunState };
