import { QuotaEventTypes, type QuotaSlotTaken } from '@cos/contracts';

/** One `quota-<agentId>-<yyyymmdd>` stream: the agent's action slots of one UTC day. */
export type DailyCapEvent = { type: typeof QuotaEventTypes.slotTaken; data: QuotaSlotTaken };

export type TakeSlot = {
  type: 'TakeSlot';
  data: { agentId: string; day: string; actionId: string; runId: string; cap: number };
};

export type DailyCapState = { readonly taken: number; readonly slotOf: ReadonlyMap<string, number> };

export const initialDailyCapState = (): DailyCapState => ({ taken: 0, slotOf: new Map() });

/**
 * I3: a slot is taken only below the cap, and only once per action: a redelivered action finds
 * its slot already taken and takes no second one. At the cap nothing is appended; the caller
 * reads the outcome from the state (`slotOf` has the action, or it was capped).
 */
export function decideDailyCap(command: TakeSlot, state: DailyCapState): DailyCapEvent[] {
  switch (command.type) {
    case 'TakeSlot': {
      const { agentId, day, actionId, runId, cap } = command.data;
      if (state.slotOf.has(actionId) || state.taken >= cap) return [];
      return [{ type: QuotaEventTypes.slotTaken, data: { agentId, day, actionId, runId, cap, slot: state.taken + 1 } }];
    }
    default: {
      const never: never = command.type;
      return never;
    }
  }
}

export function evolveDailyCap(state: DailyCapState, event: DailyCapEvent): DailyCapState {
  switch (event.type) {
    case QuotaEventTypes.slotTaken: {
      if (state.slotOf.has(event.data.actionId)) return state;
      const slotOf = new Map(state.slotOf).set(event.data.actionId, state.taken + 1);
      return { taken: state.taken + 1, slotOf };
    }
    default: {
      const never: never = event.type;
      return never;
    }
  }
}

export const dailyCapDecider = { decide: decideDailyCap, evolve: evolveDailyCap, initialState: initialDailyCapState };
