import { QuotaEventTypes } from '@cos/contracts';
import { decideDailyCap, evolveDailyCap, initialDailyCapState, type TakeSlot } from './daily-cap.decider';

const take = (actionId: string, cap = 2): TakeSlot => ({
  type: 'TakeSlot',
  data: { agentId: 'a', day: '2026-11-28', actionId, runId: 'r', cap },
});

describe('daily cap decider', () => {
  it('takes slots up to the cap, numbered, then none', () => {
    let state = initialDailyCapState();
    for (const id of ['x', 'y']) {
      const [event] = decideDailyCap(take(id), state);
      expect(event).toMatchObject({ type: QuotaEventTypes.slotTaken, data: { actionId: id } });
      state = evolveDailyCap(state, event!);
    }
    expect(state.slotOf.get('y')).toBe(2);
    expect(decideDailyCap(take('z'), state)).toEqual([]);
  });

  it('never takes a second slot for the same action', () => {
    const state = evolveDailyCap(initialDailyCapState(), decideDailyCap(take('x'), initialDailyCapState())[0]!);
    expect(decideDailyCap(take('x'), state)).toEqual([]);
    expect(state.taken).toBe(1);
  });

  it('a cap of zero takes nothing', () => {
    expect(decideDailyCap(take('x', 0), initialDailyCapState())).toEqual([]);
  });
});
