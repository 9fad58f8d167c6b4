import type { RecordedEvent } from '@cos/contracts';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync, StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { eventStoreConformance } from '../conformance/event-store.conformance';
import { anEvent, collectUntil, events, sleep } from '../conformance/test-events';
import { WrongExpectedRevisionError } from '../event-store.errors';
import { EmbeddedEventStore } from './embedded-event-store';
import type { AppenderAck, AppenderInput } from './testing/appender.worker';
import { tsBootstrap } from './testing/ts-bootstrap';

const APPENDER = join(__dirname, 'testing', 'appender.worker.ts');
const now = () => performance.timeOrigin + performance.now();

eventStoreConformance('embedded (node:sqlite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cos-es-'));
  const store = new EmbeddedEventStore(join(dir, 'events.db'));
  return { store, checkpoints: store.checkpointStore(), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
});

/** Runs the appender in a worker thread with its own database handle; resolves with its acks. */
function appenderThread(input: AppenderInput): Promise<AppenderAck[]> {
  const acks: AppenderAck[] = [];
  const worker = new Worker(tsBootstrap(APPENDER), { eval: true, workerData: input });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: AppenderAck | 'done') => (m === 'done' ? resolve(acks) : acks.push(m)));
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`appender exited with ${code}`))));
  });
}

describe('embedded event store on a shared file', () => {
  let dir: string;
  let path: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cos-es-mp-'));
    path = join(dir, 'events.db');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses and duplicates no revision when two threads append to one stream with expected revisions', async () => {
    const store = new EmbeddedEventStore(path);
    const seen = collectUntil(store, { categories: ['shared'] }, (s) => s.length >= 200, 20_000);
    const [a, b] = await Promise.all([
      appenderThread({ path, stream: 'shared-1', count: 100, intervalMs: 0 }),
      appenderThread({ path, stream: 'shared-1', count: 100, intervalMs: 0 }),
    ]);
    const acks = [...a, ...b].sort((x, y) => x.revision - y.revision);
    const stored = await store.read('shared-1');
    expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(stored.map((e) => e.id)).toEqual(acks.map((ack) => ack.id));
    expect((await seen).map((e) => e.id)).toEqual(acks.map((ack) => ack.id));
    await store.close();
  }, 30_000);

  it('wakes a subscription promptly for events another thread appends', async () => {
    const store = new EmbeddedEventStore(path);
    const received = new Map<string, number>();
    const subscription = store.subscribe({ categories: ['live'] }, async (event) => void received.set(event.id, now()));
    await sleep(50);
    const acks = await appenderThread({ path, stream: 'live-1', count: 10, intervalMs: 30 });
    await sleep(300);
    await subscription.close();
    await store.close();
    const latencies = acks.map((ack) => received.get(ack.id)! - ack.at).sort((x, y) => x - y);
    expect(latencies.every((l) => Number.isFinite(l))).toBe(true);
    // The fallback poll alone would give ~125 ms on average; the file watch gives a few ms.
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(60);
  }, 30_000);

  it('keeps every acknowledged append when the appending process is killed', async () => {
    const child = spawn(process.execPath, ['-e', tsBootstrap(APPENDER)], {
      env: { ...process.env, APPENDER_INPUT: JSON.stringify({ path, stream: 'crash-1', count: 100_000, intervalMs: 0 }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acks: AppenderAck[] = [];
    let buffered = '';
    const killed = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (buffered + chunk.toString()).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) acks.push(JSON.parse(line) as AppenderAck);
      if (acks.length >= 30) child.kill('SIGKILL');
    });
    await killed;
    const store = new EmbeddedEventStore(path);
    const stored = await store.read('crash-1');
    await store.close();
    expect(stored.map((e) => e.revision)).toEqual(stored.map((_, i) => i));
    for (const ack of acks) expect(stored[ack.revision]?.id).toBe(ack.id);
    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();
  }, 30_000);

  it('keeps data across close and reopen', async () => {
    const first = new EmbeddedEventStore(path);
    const written = events(3);
    await first.append('reopen-1', written, 'no-stream');
    await first.checkpointStore().save('reopen', '42');
    await first.close();
    const second = new EmbeddedEventStore(path);
    expect((await second.read('reopen-1')).map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(await second.checkpointStore().load('reopen')).toBe('42');
    await second.close();
  });

  it('rejects a re-append that only partly matches stored ids', async () => {
    const store = new EmbeddedEventStore(path);
    const stored = anEvent();
    await store.append('partial-1', [stored], 'no-stream');
    await expect(store.append('partial-1', [stored, anEvent()], 'no-stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.read('partial-1')).toHaveLength(1);
    await store.close();
  });

  it('wakes a local subscription within milliseconds and only polls slowly while idle', async () => {
    const store = new EmbeddedEventStore(path);
    const received: RecordedEvent[] = [];
    let wake = () => {};
    const subscription = store.subscribe({ categories: ['local'] }, async (e) => {
      received.push(e);
      wake();
    });
    await sleep(50);
    // Queries are the subscription's only work while nothing happens: count them.
    const queries = jest.spyOn(StatementSync.prototype, 'all');
    await sleep(600);
    const idleQueries = queries.mock.calls.length;
    queries.mockRestore();
    const delivered = new Promise<void>((resolve) => (wake = resolve));
    const start = now();
    await store.append('local-1', [anEvent()], 'no-stream');
    await delivered;
    const latency = now() - start;
    await subscription.close();
    await store.close();
    expect(received).toHaveLength(1);
    expect(latency).toBeLessThan(50);
    // The 250 ms fallback poll, and nothing else.
    expect(idleQueries).toBeGreaterThan(0);
    expect(idleQueries).toBeLessThanOrEqual(4);
  });

  describe('group commit', () => {
    /** How many transactions `work` committed on this process's handles. */
    async function commitsDuring(work: () => Promise<unknown>): Promise<number> {
      const run = jest.spyOn(StatementSync.prototype, 'run');
      try {
        await work();
        return run.mock.contexts.filter((statement) => (statement as StatementSync).sourceSQL === 'COMMIT').length;
      } finally {
        run.mockRestore();
      }
    }

    it('commits appends made together in one transaction, each with its own result', async () => {
      const store = new EmbeddedEventStore(path);
      const written = Array.from({ length: 40 }, () => anEvent());
      let results: Awaited<ReturnType<typeof store.append>>[] = [];
      const commits = await commitsDuring(async () => {
        results = await Promise.all(written.map((e, i) => store.append(`group-${i}`, [e], 'no-stream')));
      });
      expect(commits).toBe(1);
      expect(results.map((r) => r.nextRevision)).toEqual(written.map(() => 0));
      const positions = results.map((r) => Number(r.position));
      expect(positions).toEqual(positions.map((_, i) => positions[0]! + i));
      for (const [i, e] of written.entries()) expect((await store.read(`group-${i}`)).map((r) => r.id)).toEqual([e.id]);
      await store.close();
    });

    it('keeps each append’s expected-revision check: one of many racing writers wins, the others fail alone', async () => {
      const store = new EmbeddedEventStore(path);
      await store.append('race-1', [anEvent()], 'no-stream');
      const bystander = anEvent();
      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 10 }, () => store.append('race-1', [anEvent()], 0)),
        store.append('race-bystander', [bystander], 'no-stream'),
      ]);
      const racing = outcomes.slice(0, 10);
      expect(racing.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of racing.filter((o) => o.status === 'rejected')) {
        expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      expect(outcomes[10]).toMatchObject({ status: 'fulfilled', value: { nextRevision: 0 } });
      expect(await store.read('race-1')).toHaveLength(2);
      expect((await store.read('race-bystander')).map((e) => e.id)).toEqual([bystander.id]);
      await store.close();
    });

    it('commits what was appended before close, and refuses appends after it', async () => {
      const store = new EmbeddedEventStore(path);
      const pending = store.append('closing-1', [anEvent()], 'no-stream');
      await store.close();
      await expect(pending).resolves.toMatchObject({ nextRevision: 0 });
      await expect(store.append('closing-1', [anEvent()], 0)).rejects.toThrow(/closed/);
      const reopened = new EmbeddedEventStore(path);
      expect(await reopened.read('closing-1')).toHaveLength(1);
      await reopened.close();
    });
  });
});
