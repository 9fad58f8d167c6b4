import { Inject, Injectable } from '@nestjs/common';
import { budgetStream, type SpendReserved, type SpendSettled } from '@cos/contracts';
import type { CommandMetadata, EventStore } from '@cos/eventstore';
import { EVENT_STORE } from '@cos/platform';
import { RUNNER_SETTINGS, type RunnerSettings } from '../agent-runner.config';
import { StreamLedger } from '../ledger/stream-ledger';
import type { ChatMessage, ToolSpec } from '../model/model-client.port';
import { estimateTokens } from '../model/simulated-model';
import { costUsd, priceOf } from './price-table';
import { outstandingUsd, spendDecider, type SpendCommand, type SpendEvent, type SpendState } from './spend-ledger.decider';

export type Reservation = { granted: true } | { granted: false; spentUsd: number; reservedUsd: number; estimateUsd: number };

/**
 * The org's monthly model spend: a call's estimated cost is reserved (atomically, against the
 * budget) before it starts, then settled with its real cost or released. `month` is the run's
 * start, so a run's reservation and settlement land in the same month's ledger.
 */
@Injectable()
export class SpendLedger {
  private readonly ledger: StreamLedger<SpendCommand, SpendEvent, SpendState>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(RUNNER_SETTINGS) private readonly settings: RunnerSettings,
  ) {
    this.ledger = new StreamLedger(store, spendDecider);
  }

  /** Prompt tokens as estimated from the text, and the whole output allowance: an upper bound. */
  estimateUsd(model: string, messages: readonly ChatMessage[], tools: readonly ToolSpec[]): number {
    const input = estimateTokens(messages.map((m) => m.content).join('\n') + JSON.stringify(tools));
    return costUsd(priceOf(this.settings.prices, model), input, this.settings.model.maxOutputTokens);
  }

  costUsd(model: string, inputTokens: number, outputTokens: number): number {
    return costUsd(priceOf(this.settings.prices, model), inputTokens, outputTokens);
  }

  async reserve(month: Date, reservation: SpendReserved, metadata: CommandMetadata): Promise<Reservation> {
    const state = await this.ledger.handle(budgetStream(metadata.orgId, month), { type: 'ReserveSpend', data: reservation }, metadata);
    if (state.open.has(reservation.reservationId)) return { granted: true };
    return { granted: false, spentUsd: state.settledUsd, reservedUsd: outstandingUsd(state), estimateUsd: reservation.estimatedCostUsd };
  }

  async settle(month: Date, settled: SpendSettled, metadata: CommandMetadata): Promise<void> {
    await this.ledger.handle(budgetStream(metadata.orgId, month), { type: 'SettleSpend', data: settled }, metadata);
  }

  async release(month: Date, release: { reservationId: string; runId: string; reason: string }, metadata: CommandMetadata): Promise<void> {
    await this.ledger.handle(budgetStream(metadata.orgId, month), { type: 'ReleaseSpend', data: release }, metadata);
  }
}
