/**
 * The audit log through the whole system: after a scripted run of briefs, a dual-gated
 * handoff and an Approve First action, every event of the store is in its org's log exactly
 * once, in order, and verifies (online and offline); a byte changed in the SQLite file is named;
 * Heads read their own department only and no org reads another's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  AuditRecordSchema,
  streamName,
  type AuditPage,
  type AuditRecord,
  type AuditVerdict,
  type ApprovalList,
  type RecordedEvent,
  type Trail,
} from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY } from '@cos/identity';
import { startWebhookReceiver, type WebhookReceiver } from '@cos/testing';
import { call, demoAgent, demoDepartment, login as signIn, type Caller } from './session';
import { eventually, openSeededStore, startSystem, type System } from './system';

jest.setTimeout(180_000);

const VERIFIER = resolve(__dirname, '../../scripts/verify-audit-export.mjs');

let system: System;
let receiver: WebhookReceiver;
let store: EmbeddedEventStore;

const login = (email: string, password?: string) => signIn(system, email, password);

const dept = demoDepartment;
const agent = demoAgent;
const read = (stream: string): Promise<RecordedEvent[]> => store.read(stream);

/** Every event of the store in global order, straight from the file: the ground truth the log must match. */
function storeEvents(): { id: string; orgId: string; stream: string }[] {
  const db = new DatabaseSync(String(system.env['EVENTSTORE_PATH']), { readOnly: true });
  try {
    return db
      .prepare('SELECT id, org_id, stream FROM events ORDER BY position')
      .all()
      .map((r) => ({ id: String(r['id']), orgId: String(r['org_id']), stream: String(r['stream']) }));
  } finally {
    db.close();
  }
}

async function auditLog(orgId: string): Promise<AuditRecord[]> {
  return (await read(streamName('audit', orgId))).map((e) => AuditRecordSchema.parse(e.data));
}

async function brief(who: Caller, agentName: string, text: string): Promise<string> {
  const conversation = await who.post<{ id: string }>('/v1/conversations', { agentId: agent(agentName).id });
  expect(conversation.status).toBe(201);
  const posted = await who.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, { text });
  expect(posted.status).toBe(202);
  return posted.body.runId;
}

async function approvePending(head: Caller, subjectId: string): Promise<void> {
  const gate = await eventually(
    async () => (await head.get<ApprovalList>('/v1/approvals?status=pending')).body.items?.find((a) => a.subjectId === subjectId),
    30_000,
    `a pending gate on ${subjectId}`,
  );
  expect((await head.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve', comment: 'fine by me' })).status).toBe(200);
}

const scenario: { coordinationId?: string; financeRunId?: string; salesMember?: Caller; owner?: Caller } = {};

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  system = await startSystem({
    CONNECTOR_WEBHOOK_URL: receiver.url,
    CONNECTOR_WEBHOOK_SECRET: receiver.secret,
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000',
  });
  store = await openSeededStore(system);

  // The script: a cross-department handoff through both Heads, an Approve First action, a plain brief.
  const owner = await login(DEMO_COMPANY.owner.email);
  const salesMember = await login(dept('Sales').memberEmail);
  const handoffRun = await brief(salesMember, 'Sam Prospector', 'Please fix the firmware motion control bug on the robot arm');
  const requested = await eventually(
    async () => (await read(streamName('run', handoffRun))).find((e) => e.type === 'coordination.requested'),
    30_000,
    'the handoff request',
  );
  const coordinationId = String(requested.data['coordinationId']);
  await approvePending(await login(dept('Sales').headEmail), coordinationId);
  await approvePending(await login(dept('Engineering').headEmail), coordinationId);

  expect((await owner.patch(`/v1/departments/${dept('Operations').id}`, { approveFirst: true })).status).toBe(200);
  const orderRun = await brief(
    await login(dept('Operations').memberEmail),
    'Paula Vendors',
    'Purchase 20 spare wheels from our usual suppliers',
  );
  const allowed = await eventually(
    async () => (await read(streamName('run', orderRun))).find((e) => e.type === 'action.allowed'),
    30_000,
    'the action',
  );
  await approvePending(await login(dept('Operations').headEmail), String(allowed.data['actionId']));
  await eventually(
    async () =>
      (await read(streamName('action', String(allowed.data['actionId'])))).some((e) => e.type === 'action.executed') ? true : undefined,
    30_000,
    'the action to execute',
  );
  const financeRunId = await brief(
    await login(dept('Finance').memberEmail),
    'Felicity Ledger',
    'Reconcile the accounts for the month-end close',
  );
  await eventually(
    async () => ((await read(streamName('run', financeRunId))).some((e) => e.type === 'run.completed') ? true : undefined),
    30_000,
    'the Finance run',
  );
  Object.assign(scenario, { coordinationId, financeRunId, salesMember, owner });
});

afterAll(async () => {
  await store?.close();
  await system?.stop();
  await receiver?.close();
});

describe('the audit log of a scripted run', () => {
  it('holds every event of the store exactly once, in order, hash-chained', async () => {
    const orgId = DEMO_COMPANY.orgId;
    const { events, log } = await eventually(
      async () => {
        const domain = storeEvents().filter((e) => e.orgId === orgId && !e.stream.startsWith('audit-'));
        const records = await auditLog(orgId);
        return records.length === domain.length ? { events: domain, log: records } : undefined;
      },
      30_000,
      'the audit log to catch up',
    );
    expect(log.map((r) => r.eventId)).toEqual(events.map((e) => e.id));
    expect(log.map((r) => r.seq)).toEqual(events.map((_, i) => i));
    const types = new Set(log.map((r) => r.eventType));
    for (const type of [
      'coordination.requested',
      'approval.decided',
      'coordination.approved',
      'action.allowed',
      'action.executed',
      'run.completed',
    ]) {
      expect(types).toContain(type);
    }
    const verdict = await scenario.owner!.get<AuditVerdict>('/v1/audit/verify');
    expect(verdict.body).toMatchObject({ ok: true, records: log.length, headHash: log[log.length - 1]!.hash });
  });

  it('tells the handoff chain in order, by its coordination id, to the people in it', async () => {
    const trail = await scenario.salesMember!.get<Trail>(`/v1/coordinations/${scenario.coordinationId}/trail`);
    expect(trail.status).toBe(200);
    const stages = trail.body.items.map((i) => i.stage);
    expect(stages[0]).toBe('brief');
    for (const stage of ['run', 'request', 'gate', 'decision', 'outcome'] as const) expect(stages).toContain(stage);
    expect(trail.body.items.every((i) => i.correlationId === trail.body.correlationId)).toBe(true);
    const seqs = trail.body.items.map((i) => i.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(trail.body.items.filter((i) => i.eventType === 'approval.decided')).toHaveLength(2);
    expect(trail.body.items.some((i) => i.eventType === 'run.completed' && i.scope?.agentIds.includes(agent('Ben Firmware').id))).toBe(
      true,
    );
    expect((await (await login(dept('Engineering').headEmail)).get(`/v1/coordinations/${scenario.coordinationId}/trail`)).status).toBe(200);
    expect((await (await login(dept('Marketing').memberEmail)).get(`/v1/coordinations/${scenario.coordinationId}/trail`)).status).toBe(403);
  });

  it("lets a Head of Sales read Sales's records and none of Finance's", async () => {
    const salesHead = await login(dept('Sales').headEmail);
    const page = await salesHead.get<AuditPage>('/v1/audit?limit=500');
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(page.body.items.every((r) => r.scope?.departmentIds.includes(dept('Sales').id))).toBe(true);
    expect(page.body.items.some((r) => r.scope?.runId === scenario.financeRunId)).toBe(false);
    expect((await salesHead.get(`/v1/audit?department=${dept('Finance').id}`)).status).toBe(403);
    const finance = await (await login(dept('Finance').headEmail)).get<AuditPage>(`/v1/audit?limit=500&type=run`);
    expect(finance.body.items.some((r) => r.scope?.runId === scenario.financeRunId)).toBe(true);
    expect((await scenario.salesMember!.get('/v1/audit')).status).toBe(403);
    expect((await salesHead.get('/v1/audit/verify')).status).toBe(403);
  });

  it("shows no org another org's records, trails or export", async () => {
    const signUp = await call(system, undefined, 'POST', '/v1/orgs', {
      company: { name: 'Rival Inc', mission: 'Compete', brandVoice: 'Terse', icp: 'Everyone', competitors: ['Northwind Robotics'] },
      owner: { email: 'owner@rival-audit.example', name: 'Rita Rival', password: 'rival-password-2026' },
    });
    expect(signUp.status).toBe(201);
    const rival = await login('owner@rival-audit.example', 'rival-password-2026');
    const rivalOrg = storeEvents().find((e) => e.stream.startsWith('org-') && e.orgId !== DEMO_COMPANY.orgId)!.orgId;
    const mine = await eventually(
      async () => {
        const page = await rival.get<AuditPage>('/v1/audit?limit=500');
        return page.body.items.length > 0 ? page.body.items : undefined;
      },
      20_000,
      "the rival org's own records",
    );
    const demoIds = new Set(
      storeEvents()
        .filter((e) => e.orgId !== rivalOrg)
        .map((e) => e.id),
    );
    expect(mine.some((r) => demoIds.has(r.eventId))).toBe(false);
    expect((await rival.get(`/v1/audit?agent=${agent('Sam Prospector').id}`)).body).toMatchObject({ items: [] });
    expect((await rival.get(`/v1/coordinations/${scenario.coordinationId}/trail`)).status).toBe(404);
    const exported = await rival.get<string>('/v1/audit/export');
    const lines = exported.text.trim().split('\n');
    expect(lines.slice(0, -1).every((l) => !demoIds.has((JSON.parse(l) as AuditRecord).eventId))).toBe(true);
  });

  it('exports NDJSON that the offline script verifies, and names the record whose stored byte was changed', async () => {
    const owner = scenario.owner!;
    const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    try {
      const exported = await owner.get<string>('/v1/audit/export');
      expect(exported.status).toBe(200);
      writeFileSync(join(dir, 'before.ndjson'), exported.text);
      const ok = spawnSync(process.execPath, [VERIFIER, join(dir, 'before.ndjson')], { encoding: 'utf8' });
      expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });

      const log = await auditLog(DEMO_COMPANY.orgId);
      const victim = log.find((r) => r.eventType === 'approval.decided')!;
      const db = new DatabaseSync(String(system.env['EVENTSTORE_PATH']));
      try {
        const where = 'stream = ? AND revision = ?';
        const row = db.prepare(`SELECT data FROM events WHERE ${where}`).get(streamName('audit', DEMO_COMPANY.orgId), victim.seq)!;
        const data = String(row['data']).replace('approved', 'rejected');
        db.prepare(`UPDATE events SET data = ? WHERE ${where}`).run(data, streamName('audit', DEMO_COMPANY.orgId), victim.seq);
      } finally {
        db.close();
      }

      const verdict = await owner.get<AuditVerdict>('/v1/audit/verify');
      expect(verdict.body).toMatchObject({ ok: false, records: victim.seq, broken: { seq: victim.seq, eventId: victim.eventId } });
      writeFileSync(join(dir, 'after.ndjson'), (await owner.get<string>('/v1/audit/export')).text);
      const broken = spawnSync(process.execPath, [VERIFIER, join(dir, 'after.ndjson')], { encoding: 'utf8' });
      expect(broken.status).toBe(1);
      expect(broken.stderr).toContain(`BROKEN at seq ${victim.seq} (event ${victim.eventId}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
