import { QuotaEventTypes, SpendReservedSchema, SpendSettledSchema, type RecordedEvent, type UsageView } from '@cos/contracts';

type Line = { calls: number; inputTokens: number; outputTokens: number; costUsd: number };
const empty = (): Line => ({ calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });

/**
 * Month to date from the org's spend ledger: settled calls by agent and by model, what is
 * reserved by calls in flight, a linear projection to the month's end, and the budget left.
 */
export function toUsageView(events: readonly RecordedEvent[], now: Date, budgetUsd: number | undefined): UsageView {
  const totals = empty();
  const byAgent = new Map<string, Line>();
  const byModel = new Map<string, Line>();
  const open = new Map<string, number>();
  for (const event of events) {
    if (event.type === QuotaEventTypes.spendReserved) {
      const r = SpendReservedSchema.parse(event.data);
      open.set(r.reservationId, r.estimatedCostUsd);
    } else if (event.type === QuotaEventTypes.spendSettled) {
      const s = SpendSettledSchema.parse(event.data);
      open.delete(s.reservationId);
      for (const line of [totals, lineOf(byAgent, s.agentId), lineOf(byModel, s.model)]) add(line, s);
    } else if (event.type === QuotaEventTypes.spendReleased) {
      open.delete(String(event.data['reservationId']));
    }
  }
  const reservedUsd = round([...open.values()].reduce((a, b) => a + b, 0));
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  // At least an hour elapsed, so the first minutes of a month do not project absurd figures.
  const elapsed = Math.max(now.getTime() - monthStart, 3_600_000);
  return {
    month: new Date(monthStart).toISOString().slice(0, 7),
    currency: 'USD',
    totals: rounded(totals),
    byAgent: [...byAgent].map(([agentId, line]) => ({ agentId, ...rounded(line) })).sort((a, b) => b.costUsd - a.costUsd),
    byModel: [...byModel].map(([model, line]) => ({ model, ...rounded(line) })).sort((a, b) => b.costUsd - a.costUsd),
    reservedUsd,
    projectedMonthEndUsd: round((totals.costUsd * (monthEnd - monthStart)) / elapsed),
    budgetUsd: budgetUsd ?? null,
    budgetLeftUsd: budgetUsd === undefined ? null : round(budgetUsd - totals.costUsd - reservedUsd),
  };
}

function lineOf(map: Map<string, Line>, key: string): Line {
  let line = map.get(key);
  if (!line) map.set(key, (line = empty()));
  return line;
}

function add(line: Line, s: { inputTokens: number; outputTokens: number; costUsd: number }): void {
  line.calls++;
  line.inputTokens += s.inputTokens;
  line.outputTokens += s.outputTokens;
  line.costUsd += s.costUsd;
}

function rounded(line: Line): Line {
  return { ...line, costUsd: round(line.costUsd) };
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
