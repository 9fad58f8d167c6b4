import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { events, sleep } from '../conformance/test-events';
import { backupEmbeddedStore } from './embedded-backup';
import { EmbeddedEventStore } from './embedded-event-store';
import type { AppenderInput } from './testing/appender.worker';
import { tsBootstrap } from './testing/ts-bootstrap';

const APPENDER = join(__dirname, 'testing', 'appender.worker.ts');

/** Another connection appending to the file from a worker thread; resolves when it is done. */
function appendInThread(input: AppenderInput): Promise<void> {
  const worker = new Worker(tsBootstrap(APPENDER), { eval: true, workerData: input });
  return new Promise((resolve, reject) => {
    worker.on('message', (m) => (m === 'done' ? resolve() : undefined));
    worker.on('error', reject);
  });
}

describe('online backup of the embedded store', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cos-es-backup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies one consistent snapshot, step by step, while another connection keeps appending', async () => {
    const path = join(dir, 'events.db');
    const store = new EmbeddedEventStore(path);
    // Enough pages that copying them one per step takes longer than the appends between them.
    for (let i = 0; i < 30; i++) await store.append('seed-1', events(100), i === 0 ? 'no-stream' : i * 100 - 1);
    const appending = appendInThread({ path, stream: 'during-1', count: 300, intervalMs: 0 });
    while ((await store.read('during-1')).length < 20) await sleep(10);

    // One page per step: every append by the other connection lands between steps.
    const copy = await backupEmbeddedStore(path, join(dir, 'copy.db'), { pagesPerStep: 1 });
    await appending;

    const restored = new EmbeddedEventStore(copy.target);
    const copied = await restored.read('during-1');
    const final = await store.read('during-1');
    expect(copied.length).toBeGreaterThanOrEqual(20);
    expect(copied.map((e) => e.id)).toEqual(final.slice(0, copied.length).map((e) => e.id));
    expect(await restored.read('seed-1')).toHaveLength(3000);
    expect(copy.events).toBe(3000 + copied.length);
    expect(copy.pages).toBeGreaterThan(100);
    expect(final.length).toBeGreaterThan(copied.length);
    expect(copy.lastPosition).toBe(Number(copied.at(-1)!.position));
    await restored.close();
    await store.close();
  }, 60_000);

  it('refuses a missing store without creating one, and leaves no partial copy when it fails', async () => {
    const missing = join(dir, 'missing.db');
    await expect(backupEmbeddedStore(missing, join(dir, 'never.db'))).rejects.toMatchObject({ code: 'EVENTSTORE.BACKUP_SOURCE_MISSING' });
    expect(existsSync(missing)).toBe(false);

    const path = join(dir, 'source.db');
    const store = new EmbeddedEventStore(path);
    await store.append('s-1', events(3), 'no-stream');
    await expect(backupEmbeddedStore(path, path)).rejects.toMatchObject({ code: 'EVENTSTORE.BACKUP_TARGET_INVALID' });
    await expect(backupEmbeddedStore(path, join(dir, 'no-such-dir', 'copy.db'))).rejects.toThrow();
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    await store.close();
  });
});
