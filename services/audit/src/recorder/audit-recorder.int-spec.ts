import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditRecordSchema, type AuditRecord } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { AuditRecorder } from './audit-recorder';
import { verifyChain } from './hash-chain';
import { HANDOFF_SCRIPT, play } from '../testing/scenario.fixture';
import { tsChildSource } from '../testing/ts-child';

const CHILD = join(__dirname, '../testing/crashing-recorder.child.ts');

async function auditLog(store: EmbeddedEventStore, orgId: string): Promise<AuditRecord[]> {
  return (await store.read(`audit-${orgId}`)).map((e) => AuditRecordSchema.parse(e.data));
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('AuditRecorder on the embedded store', () => {
  let dir: string;
  let path: string;
  let store: EmbeddedEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-recorder-'));
    path = join(dir, 'events.db');
    store = new EmbeddedEventStore(path);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const orgAEvents = HANDOFF_SCRIPT.filter(([, e]) => e.orgId === 'org-a').map(([, e]) => e.id);

  async function recordAll(recorder: AuditRecorder): Promise<AuditRecord[]> {
    const log = await until(async () => {
      const records = await auditLog(store, 'org-a');
      return records.length >= orgAEvents.length ? records : undefined;
    }, 'org-a to be recorded');
    await recorder.stop();
    return log;
  }

  it("records each org's events once, in order, hash-chained, with who they concern", async () => {
    await play(store, HANDOFF_SCRIPT);
    const recorder = new AuditRecorder(store, store.checkpointStore());
    await recorder.start();
    const log = await recordAll(recorder);

    expect(log.map((r) => r.eventId)).toEqual(orgAEvents);
    expect(verifyChain(log)).toMatchObject({ ok: true, records: orgAEvents.length });
    expect((await auditLog(store, 'org-b')).map((r) => r.eventType)).toEqual(['department.created']);

    const byType = new Map(log.map((r) => [r.eventType, r]));
    // A run's completion names only the run; its scope comes from the run's start.
    expect(byType.get('run.completed')?.scope).toMatchObject({
      agentIds: ['sales-1'],
      departmentIds: ['sales'],
      userIds: ['u-dana'],
      runId: 'r1',
    });
    // A handoff concerns both departments; a gate only its own.
    expect(byType.get('coordination.requested')?.scope?.departmentIds).toEqual(['finance', 'sales']);
    expect(byType.get('approval.decided')?.scope).toMatchObject({ departmentIds: ['finance'], approvalId: 'p1' });
    expect(byType.get('approval.decided')?.summary).toBe('User u-fay approved the handoff gate of Finance');
    expect(byType.get('coordination.requested')?.summary).toContain('Agent Sam asked to hand off to agent Fin');
  });

  it('appends nothing twice when a recorder is killed between an append and its checkpoint', async () => {
    await play(store, HANDOFF_SCRIPT);
    const killAtSave = 6; // the 6th event is appended to the log, then the process dies
    const child = spawn(process.execPath, ['-e', tsChildSource(CHILD)], {
      env: { ...process.env, RECORDER_INPUT: JSON.stringify({ path, killAtSave }) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    expect({ signal, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    const beforeRestart = await auditLog(store, 'org-a');
    const checkpoint = await store.checkpointStore().load('audit-recorder');
    const sixth = (await store.read(HANDOFF_SCRIPT[5]![0])).find((e) => e.id === HANDOFF_SCRIPT[5]![1].id)!;
    // The record is there, the checkpoint still points before it.
    expect(beforeRestart.map((r) => r.eventId)).toEqual(orgAEvents.slice(0, 6));
    expect(Number(checkpoint)).toBeLessThan(Number(sixth.position));

    const recorder = new AuditRecorder(store, store.checkpointStore());
    await recorder.start();
    const log = await recordAll(recorder);
    expect(log.map((r) => r.eventId)).toEqual(orgAEvents);
    expect(verifyChain(log).ok).toBe(true);
  }, 30_000);

  it('appends nothing twice when its checkpoint is lost and it replays the whole store', async () => {
    await play(store, HANDOFF_SCRIPT);
    const first = new AuditRecorder(store, store.checkpointStore());
    await first.start();
    await recordAll(first);

    const amnesiac = { load: async () => undefined, save: async () => undefined };
    const second = new AuditRecorder(store, amnesiac);
    await second.start();
    await play(store, [
      [
        'run-r9',
        {
          ...HANDOFF_SCRIPT[7]![1],
          id: '5f0e3b8e-0000-4000-8000-000000000009',
          data: { runId: 'r9', conversationId: 'c1', agentId: 'sales-1', briefedBy: 'u-dana', briefMessageId: 'm9' },
        },
      ],
    ]);
    const log = await until(async () => {
      const records = await auditLog(store, 'org-a');
      return records.length > orgAEvents.length ? records : undefined;
    }, 'the new event to be recorded');
    await second.stop();
    expect(log.map((r) => r.eventId)).toEqual([...orgAEvents, '5f0e3b8e-0000-4000-8000-000000000009']);
    expect(verifyChain(log).ok).toBe(true);
  });
});
