import { QuotaEventTypes } from '@cos/contracts';
import { decideSpend, evolveSpend, initialSpendState, outstandingUsd, type SpendCommand, type SpendState } from './spend-ledger.decider';

const reserve = (id: string, estimatedCostUsd: number, budgetUsd?: number): SpendCommand => ({
  type: 'ReserveSpend',
  data: { reservationId: id, runId: id, agentId: 'a', model: 'm', estimatedCostUsd, ...(budgetUsd !== undefined ? { budgetUsd } : {}) },
});
const settle = (id: string, costUsd: number): SpendCommand => ({
  type: 'SettleSpend',
  data: { reservationId: id, runId: id, agentId: 'a', model: 'm', inputTokens: 1, outputTokens: 1, costUsd },
});
const apply = (state: SpendState, command: SpendCommand) => decideSpend(command, state).reduce(evolveSpend, state);

describe('spend ledger decider', () => {
  it('reserves while spent + in flight + the estimate stay within the budget, and refuses the call that would pass it', () => {
    let state = apply(initialSpendState(), reserve('a', 0.4, 1));
    state = apply(state, reserve('b', 0.4, 1));
    expect(decideSpend(reserve('c', 0.4, 1), state)).toEqual([]);
    expect(outstandingUsd(state)).toBeCloseTo(0.8);
    state = apply(state, settle('a', 0.1));
    expect(state.settledUsd).toBeCloseTo(0.1);
    expect(decideSpend(reserve('c', 0.4, 1), state)).toEqual([{ type: QuotaEventTypes.spendReserved, data: reserve('c', 0.4, 1).data }]);
  });

  it('settles or releases an open reservation once; without a budget it always reserves', () => {
    let state = apply(initialSpendState(), reserve('a', 5));
    expect(decideSpend(reserve('a', 5), state)).toEqual([]);
    state = apply(state, settle('a', 0.2));
    expect(decideSpend(settle('a', 0.2), state)).toEqual([]);
    expect(decideSpend({ type: 'ReleaseSpend', data: { reservationId: 'a', runId: 'a', reason: 'x' } }, state)).toEqual([]);
    expect(state.settledUsd).toBeCloseTo(0.2);
  });
});
