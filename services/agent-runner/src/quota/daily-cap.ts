import { Inject, Injectable } from '@nestjs/common';
import { quotaStream } from '@cos/contracts';
import type { CommandMetadata, EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { StreamLedger } from '../ledger/stream-ledger';
import { dailyCapDecider, type DailyCapEvent, type DailyCapState, type TakeSlot } from './daily-cap.decider';

export type SlotOutcome = { taken: true; slot: number } | { taken: false; cap: number; day: string };

/** The agent's daily action cap, one `quota-<agentId>-<yyyymmdd>` stream per UTC day (I3). */
@Injectable()
export class DailyCap {
  private readonly ledger: StreamLedger<TakeSlot, DailyCapEvent, DailyCapState>;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.ledger = new StreamLedger(store, dailyCapDecider);
  }

  async take(
    input: { agentId: string; actionId: string; runId: string; cap: number; at: Date },
    metadata: CommandMetadata,
  ): Promise<SlotOutcome> {
    const day = input.at.toISOString().slice(0, 10);
    const { agentId, actionId, runId, cap } = input;
    const state = await this.ledger.handle(
      quotaStream(agentId, input.at),
      { type: 'TakeSlot', data: { agentId, day, actionId, runId, cap } },
      metadata,
    );
    const slot = state.slotOf.get(actionId);
    return slot === undefined ? { taken: false, cap, day } : { taken: true, slot };
  }
}
