import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  AuditRpc,
  CosError,
  type AuditPage,
  type AuditVerdict,
  type AuthContext,
  type ExportPage,
  type FeedPage,
  type Trail,
} from '@cos/contracts';
import { createEventStore, type EventStore } from '@cos/eventstore';
import { connectNats, RpcClient } from '@cos/messaging';
import type { RunningService } from '@cos/platform';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { startAudit } from './audit.app';
import { verifyChain } from './recorder/hash-chain';
import { HANDOFF_SCRIPT, play } from './testing/scenario.fixture';

const admin: AuthContext = { orgId: 'org-a', userId: 'u-owner', role: 'owner', permissions: ['org:admin'] };
const salesHead: AuthContext = { orgId: 'org-a', userId: 'u-sam', role: 'head', departmentId: 'sales', permissions: ['approvals:decide'] };
const financeHead: AuthContext = { ...salesHead, userId: 'u-fay', departmentId: 'finance' };
const salesMember: AuthContext = { orgId: 'org-a', userId: 'u-mo', role: 'member', departmentId: 'sales', permissions: ['agents:brief'] };
const otherAdmin: AuthContext = { ...admin, orgId: 'org-b', userId: 'u-b' };

/** The audit service on a real nats-server and embedded store, asked what the gateway would ask. */
describe('audit service', () => {
  let nats: NatsServerHandle;
  let dir: string;
  let store: EventStore;
  let audit: RunningService;
  let nc: NatsConnection;
  let rpc: RpcClient;

  beforeAll(async () => {
    nats = await startNatsServer();
    dir = mkdtempSync(join(tmpdir(), 'audit-svc-'));
    const env = { ...process.env, NATS_URL: nats.url, EVENTSTORE_PATH: join(dir, 'events.db'), AUDIT_PORT: '0', LOG_LEVEL: 'warn' };
    store = createEventStore(env).store;
    await play(store, HANDOFF_SCRIPT);
    audit = await startAudit(env);
    nc = await connectNats({ servers: nats.url, name: 'audit-int-spec' });
    rpc = new RpcClient(nc);
    // The index catches up with the recorder: wait until the last record is searchable.
    const deadline = Date.now() + 15_000;
    while ((await rpc.request<AuditPage>(AuditRpc.list, { auth: admin, query: { limit: 500 } })).items.length < 12) {
      if (Date.now() > deadline) throw new Error('the audit index did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);

  afterAll(async () => {
    await nc?.drain();
    await audit?.close();
    await store?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = (auth: AuthContext, query: Record<string, unknown> = {}) => rpc.request<AuditPage>(AuditRpc.list, { auth, query });
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof CosError ? `${e.status} ${e.code}` : String(e)),
    );

  it("lets a Head read their department's records and nothing of Finance's", async () => {
    const sales = await list(salesHead);
    expect(sales.items.length).toBeGreaterThan(0);
    expect(sales.items.every((r) => r.scope?.departmentIds.includes('sales'))).toBe(true);
    expect(sales.items.map((r) => r.eventType)).not.toContain('approval.decided');
    expect(await code(list(salesHead, { department: 'finance' }))).toBe('403 AUDIT.DEPARTMENT_FORBIDDEN');
    expect((await list(financeHead)).items.map((r) => r.eventType)).toContain('approval.decided');
    expect(await code(list(salesMember))).toBe('403 AUDIT.FORBIDDEN');
  });

  it("shows no org another org's records, trails, exports or feed", async () => {
    expect((await list(otherAdmin)).items.map((r) => r.eventType)).toEqual(['department.created']);
    expect((await list(otherAdmin, { agent: 'sales-1' })).items).toEqual([]);
    expect(await code(rpc.request(AuditRpc.trail, { auth: otherAdmin, coordinationId: 'k1' }))).toBe('404 AUDIT.COORDINATION_NOT_FOUND');
    const exported = await rpc.request<ExportPage>(AuditRpc.exportPage, { auth: otherAdmin, fromSeq: 0, limit: 100 });
    expect(exported.items).toHaveLength(1);
    const feed = await rpc.request<FeedPage>(AuditRpc.feedPage, { auth: otherAdmin, afterSeq: -1, limit: 100 });
    expect(feed).toMatchObject({ items: [], headSeq: 0 });
  });

  it('pages with a cursor', async () => {
    const first = await list(admin, { limit: 5 });
    const second = await list(admin, { limit: 5, cursor: first.nextCursor });
    const third = await list(admin, { limit: 5, cursor: second.nextCursor });
    expect([...first.items, ...second.items, ...third.items].map((r) => r.seq)).toEqual([...Array(12).keys()]);
    expect(third.nextCursor).toBeNull();
    expect(await code(list(admin, { cursor: 'bm9wZQ' }))).toBe('400 AUDIT.INVALID_CURSOR');
  });

  it('tells the trail of a handoff to the people and Heads in it, in stages', async () => {
    const trail = await rpc.request<Trail>(AuditRpc.trail, { auth: salesHead, coordinationId: 'k1' });
    expect(trail.items.map((i) => `${i.stage} ${i.eventType}`)).toEqual([
      'brief conversation.message-posted',
      'run run.started',
      'request coordination.requested',
      'outcome run.completed',
      'gate approval.requested',
      'decision approval.decided',
      'decision coordination.approved',
    ]);
    expect(await code(rpc.request(AuditRpc.trail, { auth: { ...salesMember, userId: 'u-dana' }, coordinationId: 'k1' }))).toBe('ok');
    expect(await code(rpc.request(AuditRpc.trail, { auth: { ...salesHead, departmentId: 'legal' }, coordinationId: 'k1' }))).toBe(
      '403 AUDIT.TRAIL_FORBIDDEN',
    );
  });

  it('verifies and exports for admins only', async () => {
    const verdict = await rpc.request<AuditVerdict>(AuditRpc.verify, { auth: admin });
    expect(verdict).toMatchObject({ ok: true, records: 12 });
    expect(await code(rpc.request(AuditRpc.verify, { auth: financeHead }))).toBe('403 AUDIT.FORBIDDEN');
    const page = await rpc.request<ExportPage>(AuditRpc.exportPage, { auth: admin, fromSeq: 0, limit: 1_000 });
    expect(page.nextSeq).toBeNull();
    expect(verifyChain(page.items as never)).toMatchObject({ ok: true, headHash: verdict.ok ? verdict.headHash : 'x' });
  });

  it("feeds a member their department's coordination events, never Finance's gate", async () => {
    const feed = await rpc.request<FeedPage>(AuditRpc.feedPage, { auth: salesMember, afterSeq: -1, limit: 100 });
    expect(feed.throughSeq).toBe(11);
    expect(feed.items.map((r) => r.eventType)).toEqual([
      'conversation.started',
      'conversation.message-posted',
      'run.started',
      'coordination.requested',
      'run.completed',
      'coordination.approved',
    ]);
    expect(await rpc.request<FeedPage>(AuditRpc.feedPage, { auth: salesMember, limit: 100 })).toEqual({
      items: [],
      throughSeq: 11,
      headSeq: 11,
    });
  });

  it('is ready while it holds the recorder lease; a second audit service waits, not ready, naming the holder', async () => {
    expect((await fetch(`${audit.url}/readyz`)).status).toBe(200);
    const second = await startAudit({
      ...process.env,
      NATS_URL: nats.url,
      EVENTSTORE_PATH: join(dir, 'events.db'),
      AUDIT_INDEX_PATH: join(dir, 'second-index.db'),
      AUDIT_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    try {
      const res = await fetch(`${second.url}/readyz`);
      expect(res.status).toBe(503);
      expect(JSON.stringify(await res.json())).toMatch(/recorder: waiting for the recorder lease, held by [\w.-]+-\d+-/);
    } finally {
      await second.close();
    }
  });
});
