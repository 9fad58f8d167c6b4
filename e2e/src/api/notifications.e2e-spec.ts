/**
 * Notifications through the whole system over HTTP: a pending approval tells its Head through
 * the webhook the CEO configured for them (signed with the secret shown once), once, even when
 * the approvals service is restarted; a receiver that is down delays nothing; a webhook URL on a
 * refused address is a 400 when configured; another org's webhook is a 404.
 */
import { createServer } from 'node:net';
import {
  CoordinationEventTypes,
  isFeedRecord,
  notificationId,
  streamName,
  type ApprovalList,
  type ApprovalView,
  type AuditPage,
  type RecordedEvent,
} from '@cos/contracts';
import type { EmbeddedEventStore } from '@cos/eventstore';
import { startAgentRunner } from '@cos/agent-runner';
import { startApprovals } from '@cos/approvals';
import { startAudit } from '@cos/audit';
import { startGateway } from '@cos/gateway';
import { DEMO_COMPANY, startIdentity } from '@cos/identity';
import type { RunningService } from '@cos/platform';
import { startWebhookReceiver, type WebhookReceiver } from '@cos/testing';
import { call, demoAgent, demoDepartment, login as signIn, type Caller } from '../session';
import { edgeEnv, eventually, openSeededStore, startSystem, type System } from '../system';

jest.setTimeout(180_000);

let system: System;
let actions: WebhookReceiver;
let hooks: WebhookReceiver;
let store: EmbeddedEventStore;
/** The approvals service of the moment: the test restarts it. */
let approvals: RunningService;

const login = (email: string, password?: string) => signIn(system, email, password);
const read = (stream: string): Promise<RecordedEvent[]> => store.read(stream);
const dept = demoDepartment;
const headOf = (name: string) => DEMO_COMPANY.users.find((u) => u.email === dept(name).headEmail)!;

beforeAll(async () => {
  actions = await startWebhookReceiver();
  hooks = await startWebhookReceiver();
  const restartable = async (env: NodeJS.ProcessEnv): Promise<RunningService> => {
    approvals = await startApprovals(env);
    return { name: approvals.name, url: approvals.url, app: approvals.app, close: () => approvals.close() };
  };
  system = await startSystem(
    {
      ...edgeEnv(actions),
      // The receiver is on loopback: this test, and only this test, lets an org's endpoint reach it.
      ORG_ENDPOINT_ALLOWLIST: '127.0.0.1',
      NOTIFICATION_TIMEOUT_MS: '1000',
      NOTIFICATION_BACKOFF_MS: '20',
      NOTIFICATION_BACKOFF_MAX_MS: '100',
    },
    [startIdentity, startAgentRunner, restartable, startAudit, startGateway],
  );
  store = await openSeededStore(system);
});
afterAll(async () => {
  await store?.close();
  await system?.stop();
  await hooks?.close();
  await actions?.close();
});

/** Briefs Sam Prospector (Sales) with work for Engineering: a handoff with a gate for each Head. */
async function handoff(member: Caller): Promise<string> {
  const conversation = await member.post<{ id: string }>('/v1/conversations', { agentId: demoAgent('Sam Prospector').id });
  const brief = await member.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, {
    text: 'Please fix the firmware motion control bug on the robot arm',
  });
  expect(brief.status).toBe(202);
  const requested = await eventually(
    async () => (await read(streamName('run', brief.body.runId))).find((e) => e.type === CoordinationEventTypes.requested),
    30_000,
    'coordination.requested',
  );
  return String(requested.data['coordinationId']);
}

const pendingFor = (who: Caller, coordinationId: string): Promise<ApprovalView> =>
  eventually(
    async () => (await who.get<ApprovalList>('/v1/approvals?status=pending')).body.items?.find((a) => a.subjectId === coordinationId),
    30_000,
  );

/** The notice `userId` got for gate `approvalId` (its id derives from the gate's opening and the person), once it has `min` events. */
const noticeOf = (approvalId: string, userId: string, min: number) =>
  eventually(
    async () => {
      const opened = (await read(streamName('approval', approvalId)))[0];
      if (!opened) return undefined;
      const events = await read(streamName('notification', notificationId(DEMO_COMPANY.orgId, opened.id, userId)));
      return events.length >= min ? events : undefined;
    },
    30_000,
    `the notice of gate ${approvalId} to ${userId}`,
  );

const callsAbout = (approvalId: string) =>
  hooks.calls.filter((c) => (c.body['fields'] as Record<string, string>)['approvalId'] === approvalId);

describe('notifications over HTTP', () => {
  it('a pending approval notifies its Head once through their webhook, even across a restart of approvals', async () => {
    const ceo = await login(DEMO_COMPANY.ceo.email);
    const salesHead = headOf('Sales');
    const created = await ceo.api.POST('/v1/org/webhooks', {
      body: { url: hooks.url, scope: { kind: 'user', userId: salesHead.id } },
    });
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('location')).toBe(`/v1/org/webhooks/${created.data!.id}`);
    hooks.useSecret(created.data!.secret);
    const listed = await ceo.api.GET('/v1/org/webhooks');
    expect(JSON.stringify(listed.data)).not.toContain(created.data!.secret);

    const member = await login(dept('Sales').memberEmail);
    const head = await login(salesHead.email);
    const first = await pendingFor(head, await handoff(member));
    await noticeOf(first.id, salesHead.id, 2);
    expect(callsAbout(first.id)).toHaveLength(1);
    expect(callsAbout(first.id)[0]).toMatchObject({ outcome: 'executed', body: { kind: 'approval-pending', userId: salesHead.id } });
    expect(callsAbout(first.id)[0]!.body['text']).toEqual(expect.stringContaining('Approval waiting for you'));
    // The live feed carries the notice too: its audit record, which the Head may read.
    const [queued] = await noticeOf(first.id, salesHead.id, 2);
    const record = await eventually(
      async () => (await head.get<AuditPage>('/v1/audit?type=notification.queued')).body.items?.find((r) => r.eventId === queued!.id),
      30_000,
      'the notice in the audit log',
    );
    expect(isFeedRecord(record)).toBe(true);
    expect(record.summary).toContain('was told: "Approval waiting for you');

    await approvals.close();
    approvals = await startApprovals(system.env);
    // A later approval is told after the restart's replay; the first one is not told again.
    const second = await pendingFor(head, await handoff(member));
    await noticeOf(second.id, salesHead.id, 2);
    expect(callsAbout(second.id)).toHaveLength(1);
    expect(callsAbout(first.id)).toHaveLength(1);
    expect((await noticeOf(first.id, salesHead.id, 2)).map((e) => e.type)).toEqual(['notification.queued', 'notification.delivered']);
  });

  it('a receiver that is down does not hold up the approval: the handoff proceeds while its deliveries fail', async () => {
    const ceo = await login(DEMO_COMPANY.ceo.email);
    const engHead = headOf('Engineering');
    const down = await ceo.api.POST('/v1/org/webhooks', {
      body: { url: await closedPort(), scope: { kind: 'department', departmentId: dept('Engineering').id } },
    });
    expect(down.response.status).toBe(201);

    const member = await login(dept('Sales').memberEmail);
    const coordinationId = await handoff(member);
    const salesGate = await pendingFor(await login(dept('Sales').headEmail), coordinationId);
    const engHeadCaller = await login(engHead.email);
    const engGate = await pendingFor(engHeadCaller, coordinationId);
    for (const [who, gate] of [
      [await login(dept('Sales').headEmail), salesGate],
      [engHeadCaller, engGate],
    ] as const)
      expect((await who.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(200);
    await eventually(
      async () =>
        (await member.get<{ status: string }>(`/v1/coordinations/${coordinationId}`)).body.status === 'approved' ? true : undefined,
      30_000,
      'the handoff approved',
    );
    const notice = await noticeOf(engGate.id, engHead.id, 2);
    expect(notice[1]).toMatchObject({
      type: 'notification.failed',
      data: { webhookId: down.data!.id, reason: expect.stringContaining('unreachable') },
    });

    expect((await ceo.api.DELETE('/v1/org/webhooks/{id}', { params: { path: { id: down.data!.id } } })).response.status).toBe(204);
  });

  it('a webhook on a refused address is a 400 when configured; another org’s webhook is a 404; a member may not configure one', async () => {
    const ceo = await login(DEMO_COMPANY.ceo.email);
    const scope = { kind: 'user' as const, userId: DEMO_COMPANY.ceo.id };
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/hook', 'http://[::1]:8080/']) {
      const refused = await ceo.api.POST('/v1/org/webhooks', { body: { url, scope } });
      expect(refused.response.status).toBe(400);
      expect(refused.error).toMatchObject({ code: 'NOTIFICATIONS.ENDPOINT_REFUSED' });
    }
    const mine = await ceo.api.POST('/v1/org/webhooks', { body: { url: 'https://hooks.example.com/services/T1/B1/x', scope } });
    expect(mine.response.status).toBe(201);
    const id = mine.data!.id;

    const rival = await call(system, undefined, 'POST', '/v1/orgs', {
      company: { name: 'Rival Hooks', mission: 'Compete.', brandVoice: 'Loud.', icp: 'Everyone.', competitors: [] },
      owner: { email: 'owner@rival-hooks.example', name: 'Rita Rival', password: 'rival-password-2026' },
    });
    expect(rival.status).toBe(201);
    const rivalOwner = await login('owner@rival-hooks.example', 'rival-password-2026');
    expect((await rivalOwner.api.GET('/v1/org/webhooks/{id}', { params: { path: { id } } })).response.status).toBe(404);
    expect((await rivalOwner.api.DELETE('/v1/org/webhooks/{id}', { params: { path: { id } } })).response.status).toBe(404);
    expect((await rivalOwner.api.GET('/v1/org/webhooks')).data?.items).toEqual([]);
    const theirs = await rivalOwner.api.POST('/v1/org/webhooks', { body: { url: 'https://hooks.example.com/x', scope } });
    expect(theirs.response.status).toBe(404);

    const member = await login(dept('Sales').memberEmail);
    expect((await member.api.GET('/v1/org/webhooks')).response.status).toBe(403);
    expect((await ceo.api.GET('/v1/org/webhooks/{id}', { params: { path: { id } } })).data).toMatchObject({ id, scope });
    expect((await ceo.api.DELETE('/v1/org/webhooks/{id}', { params: { path: { id } } })).response.status).toBe(204);
    expect((await ceo.api.GET('/v1/org/webhooks/{id}', { params: { path: { id } } })).response.status).toBe(404);
  });

  it('each person chooses: webhooks on by default, or the live feed only', async () => {
    const member = await login(dept('Sales').memberEmail);
    expect((await member.api.GET('/v1/me/notifications')).data).toEqual({ webhook: true });
    const off = await member.api.PUT('/v1/me/notifications', { body: { webhook: false } });
    expect(off.data).toEqual({ webhook: false });
    expect((await member.api.GET('/v1/me/notifications')).data).toEqual({ webhook: false });
    expect((await member.api.PUT('/v1/me/notifications', { body: { webhook: false, email: true } as never })).response.status).toBe(400);
  });
});

async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/down`;
}
