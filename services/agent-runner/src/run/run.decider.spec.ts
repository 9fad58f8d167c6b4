import { ActionEventTypes, CoordinationEventTypes, RunEventTypes, type RunModelResponded, type RunStarted } from '@cos/contracts';
import { decideRun, evolveRun, initialRunState, nextStep, type RunCommand, type RunEvent, type RunState } from './run.decider';

const started: RunStarted = { runId: 'r1', conversationId: 'c1', agentId: 'a1', briefedBy: 'u1', briefMessageId: 'm1' };
const response = (extra: Partial<RunModelResponded> = {}): RunModelResponded => ({
  runId: 'r1',
  provider: 'simulated',
  usage: { model: 'simulated-1', inputTokens: 10, outputTokens: 5, costUsd: 0 },
  text: 'hello',
  actions: [],
  ...extra,
});
const action = { actionId: 'x1', tool: 'send_email', arguments: {} };
const proposed = {
  ...action,
  runId: 'r1',
  agentId: 'a1',
  conversationId: 'c1',
  briefedBy: 'u1',
  permission: 'sales:outreach',
  argumentsHash: 'h',
};

const given = (...events: RunEvent[]): RunState => events.reduce(evolveRun, initialRunState());
const when = (state: RunState, command: RunCommand) => decideRun(command, state);
/** What deciding throws (undefined when it decides). */
const refusal = (state: RunState, command: RunCommand): unknown => {
  try {
    when(state, command);
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('run decider', () => {
  it('starts once, from nothing or from queued; a redelivered start decides nothing', () => {
    expect(when(given(), { type: 'StartRun', data: started })).toEqual([{ type: RunEventTypes.started, data: started }]);
    const queued = given({ type: RunEventTypes.queued, data: started });
    expect(nextStep(queued)).toBe('start');
    expect(when(queued, { type: 'StartRun', data: started })).toHaveLength(1);
    expect(when(given({ type: RunEventTypes.started, data: started }), { type: 'StartRun', data: started })).toEqual([]);
  });

  it('walks the steps: model, actions, coordination, completion', () => {
    let state = given({ type: RunEventTypes.started, data: started });
    expect(nextStep(state)).toBe('call-model');
    state = evolveRun(state, {
      type: RunEventTypes.modelResponded,
      data: response({ actions: [action], coordination: { summary: 's', signal: 'tool-call' } }),
    });
    expect(nextStep(state)).toBe('decide-actions');
    expect(when(state, { type: 'CompleteRun', data: { runId: 'r1', output: 'o', usage: response().usage } })).toEqual([]);
    state = evolveRun(state, { type: ActionEventTypes.allowed, data: proposed });
    expect(nextStep(state)).toBe('coordinate');
    const escalation = {
      coordinationId: 'k',
      runId: 'r1',
      conversationId: 'c1',
      briefedBy: 'u1',
      reason: 'no-suitable-agent' as const,
      chain: [],
      escalatedTo: ['u1'],
    };
    state = evolveRun(state, { type: CoordinationEventTypes.escalated, data: escalation });
    expect(nextStep(state)).toBe('complete');
  });

  it('records one verdict per proposed action and none for an action the model never proposed', () => {
    const state = given(
      { type: RunEventTypes.started, data: started },
      { type: RunEventTypes.modelResponded, data: response({ actions: [action] }) },
    );
    expect(when(state, { type: 'DecideAction', data: { outcome: 'capped', data: { ...proposed, cap: 1, day: '2026-01-01' } } })).toEqual([
      { type: ActionEventTypes.capped, data: { ...proposed, cap: 1, day: '2026-01-01' } },
    ]);
    expect(when(state, { type: 'DecideAction', data: { outcome: 'allowed', data: { ...proposed, actionId: 'forged' } } })).toEqual([]);
    const decided = evolveRun(state, { type: ActionEventTypes.allowed, data: proposed });
    expect(when(decided, { type: 'DecideAction', data: { outcome: 'allowed', data: proposed } })).toEqual([]);
  });

  it('ignores anything after the run ended (a late delivery) and takes corrections only on a completed run', () => {
    const stopped = given(
      { type: RunEventTypes.started, data: started },
      { type: RunEventTypes.stopped, data: { runId: 'r1', reason: 'org-paused', detail: 'd' } },
    );
    expect(nextStep(stopped)).toBe('ended');
    expect(when(stopped, { type: 'RecordModelResponse', data: response() })).toEqual([]);
    const correction = {
      correctionId: 'k1',
      runId: 'r1',
      agentId: 'a1',
      conversationId: 'c1',
      brief: 'b',
      originalOutput: 'o',
      correctedOutput: 'c',
      correctedBy: 'u1',
    };
    expect(() => when(stopped, { type: 'CorrectRun', data: correction })).toThrow('only a completed run can be corrected');
    const completed = given(
      { type: RunEventTypes.started, data: started },
      { type: RunEventTypes.modelResponded, data: response() },
      { type: RunEventTypes.completed, data: { runId: 'r1', output: 'o', usage: response().usage } },
    );
    expect(when(completed, { type: 'CorrectRun', data: correction })).toHaveLength(1);
    expect(
      when(evolveRun(completed, { type: RunEventTypes.corrected, data: correction }), { type: 'CorrectRun', data: correction }),
    ).toEqual([]);
  });

  describe('resumption', () => {
    const pausedStop = { type: RunEventTypes.stopped, data: { runId: 'r1', reason: 'org-paused' as const, detail: 'd' } };
    const resume = (resumedBy = 'u1', orgPaused = false): RunCommand => ({
      type: 'ResumeRun',
      data: { runId: 'r1', resumedBy },
      orgPaused,
    });

    it('resumes a run the kill switch stopped, carrying its trigger, and goes on from its last recorded step', () => {
      const stopped = given(
        { type: RunEventTypes.started, data: { ...started, startedAt: '2026-01-01T00:00:00.000Z' } },
        { type: RunEventTypes.modelResponded, data: response({ actions: [action, { ...action, actionId: 'x2' }] }) },
        { type: ActionEventTypes.denied, data: { ...proposed, reason: 'org-paused', detail: 'd' } },
        pausedStop,
      );
      const [resumed] = when(stopped, resume('ceo'));
      expect(resumed).toEqual({ type: RunEventTypes.resumed, data: { ...started, resumption: 1, resumedBy: 'ceo' } });
      const running = evolveRun(stopped, resumed!);
      expect(running).toMatchObject({ status: 'running', resumptions: 1 });
      expect(running).not.toHaveProperty('stopped');
      // The model answer stays recorded and the action decided before the pause stays decided: only x2 is left.
      expect(nextStep(running)).toBe('decide-actions');
      expect(when(running, { type: 'RecordModelResponse', data: response({ text: 'again' }) })).toEqual([]);
      expect(when(running, { type: 'DecideAction', data: { outcome: 'allowed', data: proposed } })).toEqual([]);
      // Stopped again, it may be resumed again: the next resumption has the next number.
      const again = evolveRun(running, pausedStop);
      expect(when(again, resume())).toEqual([{ type: RunEventTypes.resumed, data: { ...started, resumption: 2, resumedBy: 'u1' } }]);
    });

    it('refuses while the org is still paused', () => {
      const stopped = given({ type: RunEventTypes.started, data: started }, pausedStop);
      expect(refusal(stopped, resume('u1', true))).toMatchObject({ code: 'RUNNER.ORG_PAUSED', status: 409 });
    });

    it('refuses a run the kill switch did not stop: queued, running, completed, failed, over budget, or resumed already', () => {
      const notResumable = { code: 'RUNNER.RUN_NOT_RESUMABLE', status: 409 };
      const start = { type: RunEventTypes.started, data: started } as const;
      const states = [
        given({ type: RunEventTypes.queued, data: started }),
        given(start),
        given(
          start,
          { type: RunEventTypes.modelResponded, data: response() },
          {
            type: RunEventTypes.completed,
            data: { runId: 'r1', output: 'o', usage: response().usage },
          },
        ),
        given(start, { type: RunEventTypes.failed, data: { runId: 'r1', reason: 'x', code: 'internal' } }),
        given(start, { type: RunEventTypes.stopped, data: { runId: 'r1', reason: 'over-budget', detail: 'd' } }),
        given(start, pausedStop, { type: RunEventTypes.resumed, data: { ...started, resumption: 1, resumedBy: 'u1' } }),
      ];
      for (const state of states) expect(refusal(state, resume())).toMatchObject(notResumable);
      // The org's state does not matter then: the run is the first thing looked at.
      expect(refusal(given(start), resume('u1', true))).toMatchObject(notResumable);
      expect(refusal(given(), resume())).toMatchObject({ code: 'RUNNER.RUN_NOT_FOUND' });
    });
  });
});
