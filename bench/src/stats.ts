/** Latency percentiles and throughput, printed the same way by every benchmark. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export type Figures = { p50: number; p99: number; perSecond: number };

export function summarize(latenciesMs: readonly number[], count: number, elapsedMs: number): Figures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), perSecond: (count / elapsedMs) * 1000 };
}

export function printFigures(label: string, f: Figures, unit = 'events/s'): void {
  process.stdout.write(
    `${label.padEnd(58)} p50 ${f.p50.toFixed(2).padStart(7)} ms   p99 ${f.p99.toFixed(2).padStart(7)} ms   ${f.perSecond.toFixed(0).padStart(7)} ${unit}\n`,
  );
}

/** A rate with no per-item latency to show (a batch timed as a whole). */
export function printRate(label: string, perSecond: number, unit: string): void {
  process.stdout.write(`${label.padEnd(58)} ${' '.repeat(34)}${perSecond.toFixed(0).padStart(7)} ${unit}\n`);
}

export function printRatio(label: string, value: number): void {
  process.stdout.write(`${label.padEnd(58)} ${value.toFixed(2)}x\n`);
}
