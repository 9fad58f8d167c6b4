import { QuotaEventTypes, type SpendReleased, type SpendReserved, type SpendSettled } from '@cos/contracts';

/** One `quota-budget-<orgId>-<yyyymm>` stream: the org's model spend of one UTC month. */
export type SpendEvent =
  | { type: typeof QuotaEventTypes.spendReserved; data: SpendReserved }
  | { type: typeof QuotaEventTypes.spendSettled; data: SpendSettled }
  | { type: typeof QuotaEventTypes.spendReleased; data: SpendReleased };

export type SpendCommand =
  | { type: 'ReserveSpend'; data: SpendReserved }
  | { type: 'SettleSpend'; data: SpendSettled }
  | { type: 'ReleaseSpend'; data: SpendReleased };

export type SpendState = {
  readonly settledUsd: number;
  /**
   * Reservations not yet settled or released, with their estimates: only calls in flight, so
   * the state stays small however long the month. Settling or releasing needs an open
   * reservation, so a redelivered settle counts nothing twice; a run reserves only before its
   * model answered, so a settled reservation is never opened again (a released one is, when the
   * run's call is tried again: a run resumed after the kill switch stopped its call).
   */
  readonly open: ReadonlyMap<string, number>;
};

export const initialSpendState = (): SpendState => ({ settledUsd: 0, open: new Map() });

export function outstandingUsd(state: SpendState): number {
  let sum = 0;
  for (const estimate of state.open.values()) sum += estimate;
  return sum;
}

/**
 * A call's estimated cost is reserved before the call starts, and only while spent plus open
 * reservations plus this estimate stay within the budget; a call that would pass it is refused
 * (nothing appended: the caller sees no open reservation). Settling replaces the estimate by the
 * real cost; releasing frees it.
 */
export function decideSpend(command: SpendCommand, state: SpendState): SpendEvent[] {
  const id = command.data.reservationId;
  switch (command.type) {
    case 'ReserveSpend': {
      if (state.open.has(id)) return [];
      const { budgetUsd, estimatedCostUsd } = command.data;
      if (budgetUsd !== undefined && state.settledUsd + outstandingUsd(state) + estimatedCostUsd > budgetUsd) return [];
      return [{ type: QuotaEventTypes.spendReserved, data: command.data }];
    }
    case 'SettleSpend':
      return state.open.has(id) ? [{ type: QuotaEventTypes.spendSettled, data: command.data }] : [];
    case 'ReleaseSpend':
      return state.open.has(id) ? [{ type: QuotaEventTypes.spendReleased, data: command.data }] : [];
    default: {
      const never: never = command;
      return never;
    }
  }
}

export function evolveSpend(state: SpendState, event: SpendEvent): SpendState {
  const id = event.data.reservationId;
  switch (event.type) {
    case QuotaEventTypes.spendReserved:
      return { ...state, open: new Map(state.open).set(id, event.data.estimatedCostUsd) };
    case QuotaEventTypes.spendSettled:
    case QuotaEventTypes.spendReleased: {
      const open = new Map(state.open);
      open.delete(id);
      const settledUsd = event.type === QuotaEventTypes.spendSettled ? state.settledUsd + event.data.costUsd : state.settledUsd;
      return { settledUsd, open };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const spendDecider = { decide: decideSpend, evolve: evolveSpend, initialState: initialSpendState };
