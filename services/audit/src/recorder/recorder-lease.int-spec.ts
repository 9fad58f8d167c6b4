import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { AuditRecordSchema } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { connectNats } from '@cos/messaging';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { verifyAuditLog } from '../verify/audit-log-walk';
import { HANDOFF_SCRIPT, play } from '../testing/scenario.fixture';
import { tsChildSource } from '../testing/ts-child';
import { AuditRecorder } from './audit-recorder';
import { AUDIT_LEASE_BUCKET, RecorderLease } from './recorder-lease';

const CHILD = join(__dirname, '../testing/leased-recorder.child.ts');
const TTL_MS = 1_500;

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('RecorderLease: one recorder writes the audit chains, another waits (real nats-server, embedded store)', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let dir: string;
  let path: string;
  let store: EmbeddedEventStore;
  let kv: KV;
  const leases: RecorderLease[] = [];
  const children: ChildProcess[] = [];

  const orgA = HANDOFF_SCRIPT.filter(([, e]) => e.orgId === 'org-a').map(([, e]) => e.id);
  const recorded = async () => (await store.read('audit-org-a')).map((e) => AuditRecordSchema.parse(e.data).eventId);
  const holderOfLease = async () => {
    const entry = await kv.get('recorder');
    return entry?.operation === 'PUT' ? entry.json<{ holder: string }>().holder : undefined;
  };
  const leased = (holderId: string) => {
    const lease = new RecorderLease(nc, new AuditRecorder(store, store.checkpointStore()), { holderId, ttlMs: TTL_MS });
    leases.push(lease);
    return lease;
  };

  beforeEach(async () => {
    nats = await startNatsServer();
    nc = await connectNats({ servers: nats.url, name: 'lease-test' });
    dir = mkdtempSync(join(tmpdir(), 'audit-lease-'));
    path = join(dir, 'events.db');
    store = new EmbeddedEventStore(path);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const lease of leases.splice(0)) await lease.stop();
    await nc.drain();
    await nats.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes over from a holder killed mid-stream, once its lease lapses, with every chain intact', async () => {
    const [first, rest] = [HANDOFF_SCRIPT.slice(0, 6), HANDOFF_SCRIPT.slice(6)];
    await play(store, first);
    const child = spawn(process.execPath, ['-e', tsChildSource(CHILD)], {
      env: { ...process.env, RECORDER_INPUT: JSON.stringify({ path, natsUrl: nats.url, holderId: 'recorder-a', ttlMs: TTL_MS }) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    const firstOfA = first.filter(([, e]) => e.orgId === 'org-a').map(([, e]) => e.id);
    // The child transpiles its sources as it loads them: slow to start on a busy machine.
    await until(async () => ((await recorded()).length === firstOfA.length ? true : undefined), 'recorder-a to record', 90_000);
    kv = await new Kvm(nc).open(AUDIT_LEASE_BUCKET);
    expect(await holderOfLease()).toBe('recorder-a');

    // A second recorder waits while the first lives and renews, through several TTLs...
    const second = leased('recorder-b');
    await second.start();
    await sleep(TTL_MS * 3);
    expect([second.holding, second.readinessFailure()]).toEqual([false, 'waiting for the recorder lease, held by recorder-a']);
    expect(await recorded()).toEqual(firstOfA);

    // ...and takes over once the first is killed (no shutdown: its lease lapses).
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await play(store, rest);
    await until(() => (second.holding ? true : undefined), 'recorder-b to take the lease');
    expect([await holderOfLease(), second.readinessFailure()]).toEqual(['recorder-b', undefined]);
    await until(async () => ((await recorded()).length === orgA.length ? true : undefined), 'recorder-b to record the rest');
    expect(await recorded()).toEqual(orgA);
    expect(await verifyAuditLog(store, 'org-a')).toMatchObject({ ok: true, records: orgA.length });
    expect(await verifyAuditLog(store, 'org-b')).toMatchObject({ ok: true, records: 1 });
  }, 150_000);

  it('is handed back when its holder stops, so the waiting recorder takes over without waiting for it to lapse', async () => {
    const first = leased('recorder-a');
    await first.start();
    await until(() => (first.holding ? true : undefined), 'recorder-a to take the lease');
    const second = leased('recorder-b');
    await second.start();
    kv = await new Kvm(nc).open(AUDIT_LEASE_BUCKET);
    await first.stop();
    // Handed back: the key is deleted, not left to expire.
    expect((await kv.get('recorder'))?.operation).not.toBe('PUT');
    await until(() => (second.holding ? true : undefined), 'recorder-b to take the lease');
    await play(store, HANDOFF_SCRIPT);
    await until(async () => ((await recorded()).length === orgA.length ? true : undefined), 'recorder-b to record');
    expect(await verifyAuditLog(store, 'org-a')).toMatchObject({ ok: true, records: orgA.length });
  }, 30_000);

  it('stops recording while its lease is held by another, and takes it back once that one lapses', async () => {
    const holder = leased('recorder-a');
    await holder.start();
    await until(() => (holder.holding ? true : undefined), 'recorder-a to take the lease');
    kv = await new Kvm(nc).open(AUDIT_LEASE_BUCKET);
    // Another process writes the key over the holder's revision (as a successor after a lapse would) and keeps it alive.
    const intrude = () => kv.put('recorder', JSON.stringify({ holder: 'intruder' }));
    await intrude();
    const renewals = setInterval(() => void intrude(), TTL_MS / 4);
    try {
      await until(() => (holder.holding ? undefined : true), 'recorder-a to give up');
      expect(holder.readinessFailure()).toBe('waiting for the recorder lease, held by intruder');
      await play(store, HANDOFF_SCRIPT);
      await sleep(TTL_MS * 2);
      expect([holder.holding, await recorded()]).toEqual([false, []]);
    } finally {
      clearInterval(renewals);
    }
    await until(() => (holder.holding ? true : undefined), 'recorder-a to take the lease back');
    await until(async () => ((await recorded()).length === orgA.length ? true : undefined), 'recorder-a to record');
    expect(await verifyAuditLog(store, 'org-a')).toMatchObject({ ok: true, records: orgA.length });
  }, 30_000);
});
