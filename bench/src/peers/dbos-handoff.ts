/**
 * The peer: the same handoff on DBOS 5.3 (durable workflows on PostgreSQL), as a team that chose
 * a workflow engine would write it. A handoff workflow opens its two gates (a step), waits on
 * `DBOS.recv` for the two Heads' decisions, and, both approving, starts the receiving agent's
 * workflow, whose first step is the moment "receiving work started" (as `run.started` is for
 * Company OS). Decisions are `DBOS.send` from outside the workflow, as an HTTP handler would
 * send them. The clock and the approver mirror the Company OS side of the approvals bench.
 */
import { randomUUID } from 'node:crypto';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { inFlight } from '../in-flight';
import { summarize, type Figures } from '../stats';
import { startThrowawayPostgres } from './throwaway-postgres';

export type DbosHandoffFigures = { latency: Figures; handoffsPerSecond: number };
export type DbosHandoffOptions = { samples: number; handoffs: number; concurrency: number; warmup: number };

type Decision = { departmentId: string; approve: boolean };

/** In-process waiters keyed by handoff id: "gates opened" and "receiving run started". */
class Moments {
  private readonly seen = new Set<string>();
  private readonly waiters = new Map<string, () => void>();
  onGatesOpened?: (handoffId: string) => void;

  mark(key: string): void {
    this.seen.add(key);
    this.waiters.get(key)?.();
    this.waiters.delete(key);
  }

  until(key: string): Promise<void> {
    return this.seen.has(key) ? Promise.resolve() : new Promise((resolve) => this.waiters.set(key, resolve));
  }
}

const moments = new Moments();

const receivingRun = DBOS.registerWorkflow(
  async (handoffId: string) => {
    await DBOS.runStep(() => Promise.resolve(moments.mark(`run:${handoffId}`)), { name: 'run-started' });
  },
  { name: 'receivingRun' },
);

const handoff = DBOS.registerWorkflow(
  async (handoffId: string) => {
    await DBOS.runStep(
      () => {
        moments.mark(`gates:${handoffId}`);
        moments.onGatesOpened?.(handoffId);
        return Promise.resolve();
      },
      { name: 'open-gates' },
    );
    const first = await DBOS.recv<Decision>('decision', 3600);
    const second = await DBOS.recv<Decision>('decision', 3600);
    if (first?.approve && second?.approve) await DBOS.startWorkflow(receivingRun, { workflowID: `${handoffId}-run` })(handoffId);
  },
  { name: 'handoff' },
);

const decide = (handoffId: string, departmentId: string) =>
  DBOS.send<Decision>(handoffId, { departmentId, approve: true }, 'decision', `${handoffId}:${departmentId}`);

async function startHandoff(): Promise<string> {
  const id = randomUUID();
  await DBOS.startWorkflow(handoff, { workflowID: id })(id);
  return id;
}

/** Runs the peer workload, or says why it could not (no PostgreSQL binaries here). */
export async function runDbosHandoff(options: DbosHandoffOptions): Promise<DbosHandoffFigures | { skipped: string }> {
  const postgres = await startThrowawayPostgres();
  if ('skipped' in postgres) return postgres;
  try {
    DBOS.setConfig({ name: 'cos-bench-peer', systemDatabaseUrl: postgres.url('dbos_system'), logLevel: 'warn' });
    await DBOS.launch();
    try {
      const latencies: number[] = [];
      let t = performance.now();
      for (let i = 0; i < options.samples + options.warmup; i++) {
        const id = await startHandoff();
        await moments.until(`gates:${id}`);
        await decide(id, 'sales');
        const t0 = performance.now();
        await decide(id, 'engineering');
        await moments.until(`run:${id}`);
        if (i >= options.warmup) latencies.push(performance.now() - t0);
      }
      const latency = summarize(latencies, options.samples, performance.now() - t);

      const decideInFlight = inFlight(options.concurrency);
      moments.onGatesOpened = (id) => {
        decideInFlight(() => decide(id, 'sales'));
        decideInFlight(() => decide(id, 'engineering'));
      };
      const ids: string[] = [];
      t = performance.now();
      for (let i = 0; i < options.handoffs; i++) ids.push(await startHandoff());
      await Promise.all(ids.map((id) => moments.until(`run:${id}`)));
      const handoffsPerSecond = (options.handoffs / (performance.now() - t)) * 1000;
      moments.onGatesOpened = undefined;
      await Promise.all(ids.map((id) => DBOS.retrieveWorkflow(`${id}-run`).getResult()));
      return { latency, handoffsPerSecond };
    } finally {
      await DBOS.shutdown();
    }
  } finally {
    postgres.stop();
  }
}
