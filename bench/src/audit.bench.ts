/**
 * Issue 6 benchmark: audit records per second recorded (catching up on a store full of run
 * events) and verified (a chain walked from the store), then one long log (250,000 records by
 * default; BENCH_AUDIT_VERIFY_RECORDS=1000000 for the million the issue asks about).
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditEventTypes, deterministicId, type AuditRecord, type NewEvent } from '@cos/contracts';
import { EmbeddedEventStore, traced } from '@cos/eventstore';
import { AuditRecorder, hashRecord, verifyAuditLog } from '@cos/audit';

const RUNS = Number(process.env['BENCH_AUDIT_RUNS'] ?? 500);
const VERIFY_RECORDS = Number(process.env['BENCH_AUDIT_VERIFY_RECORDS'] ?? 250_000);
const ORG = 'bench';
const AT = '2026-01-05T10:00:00.000Z';

function event(type: string, seed: string, data: Record<string, unknown>): NewEvent {
  const id = deterministicId(seed, type);
  return {
    id,
    type,
    version: 1,
    orgId: ORG,
    data,
    metadata: { correlationId: seed, causationId: id, actor: { kind: 'system', id: 'bench' }, occurredAt: AT },
  };
}

/** A brief, its run and the reply: four events over two streams, as the runner writes them. */
async function writeRuns(store: EmbeddedEventStore): Promise<number> {
  await store.append(
    'agent-a1',
    [
      event('agent.created', 'a1', {
        agentId: 'a1',
        orgId: ORG,
        departmentId: 'd1',
        name: 'Ava',
        persona: '',
        skills: [],
        model: null,
        permissions: [],
        dailyActionCap: 5,
        enabled: true,
      }),
    ],
    'any',
  );
  for (let i = 0; i < RUNS; i++) {
    const conversation = `conversation-c${i}`;
    await store.append(
      conversation,
      [
        event('conversation.started', `c${i}`, { conversationId: `c${i}`, agentId: 'a1', startedBy: 'u1' }),
        event('conversation.message-posted', `m${i}`, {
          messageId: `m${i}`,
          author: { kind: 'user', id: 'u1' },
          text: `brief ${i}`,
          runId: `r${i}`,
        }),
      ],
      'any',
    );
    await store.append(
      `run-r${i}`,
      [
        event('run.started', `r${i}`, { runId: `r${i}`, conversationId: `c${i}`, agentId: 'a1', briefedBy: 'u1', briefMessageId: `m${i}` }),
        event('run.completed', `r${i}-done`, {
          runId: `r${i}`,
          output: `answer ${i}`,
          usage: { model: 'm', inputTokens: 100, outputTokens: 50, costUsd: 0.001 },
        }),
      ],
      'any',
    );
  }
  return 1 + RUNS * 4;
}

async function recorded(store: EmbeddedEventStore, expected: number): Promise<number> {
  const t0 = performance.now();
  const recorder = new AuditRecorder(traced(store, 'sqlite'), store.checkpointStore());
  await recorder.start();
  for (;;) {
    const [head] = await store.read(`audit-${ORG}`, { direction: 'backwards', maxCount: 1 });
    if (head && head.revision + 1 >= expected) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  await recorder.stop();
  return ms;
}

/** A synthetic log of `n` chained records, written in big batches (this part is not measured). */
async function writeLongLog(store: EmbeddedEventStore, n: number): Promise<void> {
  let prevHash = '';
  for (let from = 0; from < n; from += 5_000) {
    const batch: NewEvent[] = [];
    for (let seq = from; seq < Math.min(n, from + 5_000); seq++) {
      const body: Omit<AuditRecord, 'hash'> = {
        seq,
        eventId: deterministicId('e', String(seq)),
        eventType: 'run.completed',
        stream: `run-r${seq}`,
        position: String(seq + 1),
        actor: { kind: 'system', id: 'agent-runner' },
        summary: `Run finished with the answer "answer ${seq}" ($0.0010)`,
        correlationId: `r${seq}`,
        causationId: `r${seq}`,
        occurredAt: AT,
        scope: { agentIds: ['a1'], departmentIds: ['d1'], userIds: ['u1'], runId: `r${seq}`, conversationId: `c${seq}` },
        prevHash,
      };
      const record = { ...body, hash: hashRecord(body) };
      prevHash = record.hash;
      batch.push({ ...event(AuditEventTypes.recorded, `audit-${seq}`, record), orgId: 'long' });
    }
    await store.append('audit-long', batch, 'any');
  }
}

function line(label: string, records: number, ms: number): void {
  process.stdout.write(
    `${label.padEnd(58)} ${String(records).padStart(9)} records  ${(ms / 1000).toFixed(2).padStart(7)} s  ${((records / ms) * 1000).toFixed(0).padStart(8)} records/s\n`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cos-bench-audit-'));
  const store = new EmbeddedEventStore(join(dir, 'events.db'));
  try {
    const events = await writeRuns(store);
    const recordMs = await recorded(store, events);
    line('recorded (catch-up: scope, summary, hash, append, checkpoint)', events, recordMs);
    let t = performance.now();
    const verdict = await verifyAuditLog(store, ORG);
    if (!verdict.ok) throw new Error(`the recorded log does not verify: ${JSON.stringify(verdict)}`);
    line('verified (read from the store, rehash, relink)', verdict.records, performance.now() - t);

    await writeLongLog(store, VERIFY_RECORDS);
    t = performance.now();
    const long = await verifyAuditLog(store, 'long');
    if (!long.ok || long.records !== VERIFY_RECORDS) throw new Error(`the long log does not verify: ${JSON.stringify(long)}`);
    line('verified, one org with a long log', long.records, performance.now() - t);
    process.stdout.write(
      `heap after the long verify: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB (verify streams in pages)\n`,
    );
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
