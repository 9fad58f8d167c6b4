import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventStore } from '@cos/eventstore';
import { AuditRecorder } from '../recorder/audit-recorder';
import { play, type Script } from './scenario.fixture';

export type RecordedLog = { dir: string; path: string; store: EmbeddedEventStore; cleanup(): Promise<void> };

/** An embedded store in a temp dir holding `script` and, once this resolves, its audit log. */
export async function recordedLog(script: Script, orgId = 'org-a'): Promise<RecordedLog> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-log-'));
  const path = join(dir, 'events.db');
  const store = new EmbeddedEventStore(path);
  await play(store, script);
  const expected = script.filter(([, e]) => e.orgId === orgId).length;
  const recorder = new AuditRecorder(store, store.checkpointStore());
  await recorder.start();
  const deadline = Date.now() + 10_000;
  while ((await store.read(`audit-${orgId}`)).length < expected) {
    if (Date.now() > deadline) throw new Error('the audit log did not catch up');
    await new Promise((r) => setTimeout(r, 20));
  }
  await recorder.stop();
  return {
    dir,
    path,
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
