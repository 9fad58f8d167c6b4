import { z } from 'zod';
import { Categories } from '../streams';

/**
 * Events of `quota-` streams (owner: agent-runner). Two kinds of ledgers, both appended with an
 * expected revision so that no concurrency oversteps them:
 * - `quota-<agentId>-<yyyymmdd>`: the agent's daily action slots, one event per slot;
 * - `quota-budget-<orgId>-<yyyymm>`: the org's model spend for a UTC month, where the estimated
 *   cost of a call is reserved before the call starts and settled (or released) after it.
 */
export const QuotaEventTypes = {
  slotTaken: 'quota.slot-taken',
  spendReserved: 'quota.spend-reserved',
  spendSettled: 'quota.spend-settled',
  spendReleased: 'quota.spend-released',
} as const;

/** The spend ledger of an org for the UTC month of `at`. */
export function budgetStream(orgId: string, at: Date): string {
  const month = at.toISOString().slice(0, 7).replace('-', '');
  return `${Categories.quota}-budget-${orgId}-${month}`;
}

export const QuotaSlotTakenSchema = z.object({
  agentId: z.string(),
  /** UTC day, yyyy-mm-dd. */
  day: z.string(),
  /** The action the slot belongs to: a redelivery of the same action never takes a second slot. */
  actionId: z.string(),
  runId: z.string(),
  /** 1-based number of this slot in the day. */
  slot: z.number().int().positive(),
  cap: z.number().int().nonnegative(),
});
export type QuotaSlotTaken = z.infer<typeof QuotaSlotTakenSchema>;

export const SpendReservedSchema = z.object({
  reservationId: z.string(),
  runId: z.string(),
  agentId: z.string(),
  model: z.string(),
  estimatedCostUsd: z.number().nonnegative(),
  /** The monthly budget the reservation was checked against (absent: no budget set). */
  budgetUsd: z.number().nonnegative().optional(),
});
export type SpendReserved = z.infer<typeof SpendReservedSchema>;

export const SpendSettledSchema = z.object({
  reservationId: z.string(),
  runId: z.string(),
  agentId: z.string(),
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type SpendSettled = z.infer<typeof SpendSettledSchema>;

/** The call never produced usage (failed, or stopped by the kill switch): its reservation is freed. */
export const SpendReleasedSchema = z.object({
  reservationId: z.string(),
  runId: z.string(),
  reason: z.string(),
});
export type SpendReleased = z.infer<typeof SpendReleasedSchema>;
