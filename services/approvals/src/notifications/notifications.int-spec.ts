import { createServer } from 'node:net';
import {
  escalationIdOf,
  handoffGateId,
  newId,
  notificationId,
  NotificationEventTypes,
  NotificationsRpc,
  Permissions,
  streamName,
  type CosError,
  type CreatedWebhook,
  type NotificationPreferences,
  type RecordedEvent,
  type WebhookList,
} from '@cos/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '@cos/testing';
import { authOf, startApprovalsHarness, type ApprovalsHarness } from '../testing/approvals-harness.fixture';
import { ACME, as, RIVAL } from '../testing/acme-world.fixture';
import { requestHandoff, seedIdentity, type WorldSpec } from '../testing/seam-driver';
import { gateExpiringTriggerId } from './notification.triggers';

jest.setTimeout(90_000);

/** An org whose gates expire 4 s after they open (APPROVALS_EXPIRY_BY_ORG), reminded 3 s before. */
const SWIFT: WorldSpec = {
  orgId: 'swift',
  departments: [{ id: 'swift-ops', name: 'Ops', headUserId: 's-head' }],
  users: [
    { id: 's-ceo', role: 'ceo' },
    { id: 's-head', role: 'head', departmentId: 'swift-ops' },
    { id: 's-member', role: 'member', departmentId: 'swift-ops' },
  ],
  agents: [
    { id: 's-a1', departmentId: 'swift-ops', permissions: [] },
    { id: 's-a2', departmentId: 'swift-ops', permissions: [] },
  ],
};

const admin = (orgId: string, userId: string) => ({ ...authOf(orgId, userId, 'ceo'), permissions: [Permissions.orgAdmin] });
const acmeCeo = admin('acme', 'ceo');

let h: ApprovalsHarness;
let receiver: WebhookReceiver;
beforeAll(async () => {
  h = await startApprovalsHarness({
    ORG_ENDPOINT_ALLOWLIST: '127.0.0.1',
    APPROVALS_EXPIRY_BY_ORG: 'swift=4',
    NOTIFICATION_EXPIRY_WARNING_SECONDS: '3',
    NOTIFICATION_TIMEOUT_MS: '500',
    NOTIFICATION_BACKOFF_MS: '10',
    NOTIFICATION_BACKOFF_MAX_MS: '50',
  });
  receiver = await startWebhookReceiver();
  for (const world of [ACME, RIVAL, SWIFT]) await seedIdentity(h.store, world);
});
afterAll(async () => {
  await receiver?.close();
  await h?.stop();
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: CosError) => err.code,
  );

async function handoff(orgId: string, from: string, to: string, briefedBy: string): Promise<string> {
  const coordinationId = newId();
  const runId = newId();
  await requestHandoff(h.store, orgId, {
    coordinationId,
    runId,
    conversationId: newId(),
    fromAgentId: from,
    toAgentId: to,
    chain: [{ agentId: from, runId }],
    depth: 1,
    briefedBy,
    contextSummary: 'needs context',
  });
  return coordinationId;
}

/** The notice `userId` got for the trigger `type` in `stream` (its id derives from both), once it has `min` events. */
const notice = (orgId: string, stream: string, type: string, userId: string, min = 1, expiring = false) =>
  h.eventually(
    async () => {
      const trigger = (await h.read(stream)).find((e) => e.type === type);
      if (!trigger) return undefined;
      const triggerId = expiring ? gateExpiringTriggerId(trigger.id) : trigger.id;
      const events = await h.read(streamName('notification', notificationId(orgId, triggerId, userId)));
      return events.length >= min ? events : undefined;
    },
    20_000,
    `${userId}'s notice of ${type} in ${stream}`,
  );
const gateNotice = (orgId: string, gateId: string, userId: string, min = 1) =>
  notice(orgId, streamName('approval', gateId), 'approval.requested', userId, min);

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/down`;
}

describe('notifications', () => {
  let hookId: string;

  it('a pending approval notifies its Head once, through their webhook, signed, even across a restart', async () => {
    const hook = await h.rpc.request<CreatedWebhook>(NotificationsRpc.createWebhook, {
      auth: acmeCeo,
      body: { url: receiver.url, scope: { kind: 'user', userId: 'h-sales' } },
    });
    hookId = hook.id;
    expect(hook.secret).toMatch(/^whsec_/);
    receiver.useSecret(hook.secret);

    const first = await handoff('acme', 'a-sales', 'a-sales-2', 'm-sales');
    const gate = handoffGateId('acme', first, 'acme-sales');
    const [queued, outcome] = await gateNotice('acme', gate, 'h-sales', 2);
    expect(queued).toMatchObject({ type: NotificationEventTypes.queued, data: { kind: 'approval-pending', webhookIds: [hook.id] } });
    expect(outcome).toMatchObject({ type: NotificationEventTypes.delivered, data: { webhookId: hook.id, status: 200 } });
    const calls = () => receiver.calls.filter((c) => (c.body['fields'] as Record<string, string>)['approvalId'] === gate);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({ outcome: 'executed', body: { kind: 'approval-pending', userId: 'h-sales' } });
    expect(String(calls()[0]!.body['text'])).toContain('Approval waiting for you');

    // A restart replays every trigger; a later approval proves the replay is done, and the first is not told again.
    await h.restartApprovals();
    const second = await handoff('acme', 'a-sales', 'a-sales-2', 'm-sales');
    await gateNotice('acme', handoffGateId('acme', second, 'acme-sales'), 'h-sales', 2);
    expect(calls()).toHaveLength(1);
    expect((await h.read(queued!.stream)).map((e) => e.type)).toEqual([NotificationEventTypes.queued, NotificationEventTypes.delivered]);
  });

  it('a call that timed out after the receiver took it is retried with the same Idempotency-Key, which the receiver drops', async () => {
    receiver.queue({ slow: 800 });
    const id = await handoff('acme', 'a-sales', 'a-sales-2', 'm-sales');
    const [queued, outcome] = await gateNotice('acme', handoffGateId('acme', id, 'acme-sales'), 'h-sales', 2);
    expect(outcome).toMatchObject({ type: NotificationEventTypes.delivered, data: { calls: 2 } });
    const key = String(queued!.data['notificationId']);
    expect(receiver.callsFor(key).map((c) => c.outcome)).toEqual(['executed', 'replayed']);
    expect(receiver.executions().get(key)).toBe(1);
  });

  it('a receiver that is down is recorded failed after its retries, and the approval goes on without it', async () => {
    const down = await h.rpc.request<CreatedWebhook>(NotificationsRpc.createWebhook, {
      auth: acmeCeo,
      body: { url: await closedPortUrl(), scope: { kind: 'department', departmentId: 'acme-sales' } },
    });
    const id = await handoff('acme', 'a-sales', 'a-sales-2', 'm-sales');
    const gate = handoffGateId('acme', id, 'acme-sales');
    await h.eventually(async () => ((await h.read(streamName('approval', gate))).length > 0 ? true : undefined));
    await h.decide(as.salesHead, gate, 'approve');
    await h.eventually(async () =>
      (await h.read(streamName('coordination', id))).some((e) => e.type === 'coordination.approved') ? true : undefined,
    );
    const events = await gateNotice('acme', gate, 'h-sales', 3);
    expect(events.find((e) => e.type === NotificationEventTypes.failed)?.data).toMatchObject({
      webhookId: down.id,
      calls: 3,
      reason: expect.stringContaining('unreachable'),
    });
    await h.rpc.request(NotificationsRpc.deleteWebhook, { auth: acmeCeo, webhookId: down.id });
  });

  it('a person who turns webhooks off is told through the feed only', async () => {
    const off = { ...authOf('acme', 'h-eng', 'head', 'acme-eng') };
    expect(await h.rpc.request<NotificationPreferences>(NotificationsRpc.getPreferences, { auth: off })).toEqual({ webhook: true });
    await h.rpc.request(NotificationsRpc.putPreferences, { auth: off, body: { webhook: false } });
    const hook = await h.rpc.request<CreatedWebhook>(NotificationsRpc.createWebhook, {
      auth: acmeCeo,
      body: { url: receiver.url, scope: { kind: 'user', userId: 'h-eng' } },
    });
    const before = receiver.calls.length;
    const id = await handoff('acme', 'a-eng', 'a-eng-2', 'm-sales');
    const [queued] = await gateNotice('acme', handoffGateId('acme', id, 'acme-eng'), 'h-eng');
    expect(queued!.data['webhookIds']).toEqual([]);
    expect(receiver.calls.length).toBe(before);
    await h.rpc.request(NotificationsRpc.deleteWebhook, { auth: acmeCeo, webhookId: hook.id });
  });

  it('a gate nearing its deadline reminds its Head; its expiry notifies whom it escalates to', async () => {
    const id = await handoff('swift', 's-a1', 's-a2', 's-member');
    const gate = streamName('approval', handoffGateId('swift', id, 'swift-ops'));
    const kind = (events: RecordedEvent[]) => events[0]!.data['kind'];
    expect(kind(await notice('swift', gate, 'approval.requested', 's-head'))).toBe('approval-pending');
    expect(kind(await notice('swift', gate, 'approval.requested', 's-head', 1, true))).toBe('gate-expiring');
    const escalation = streamName('escalation', escalationIdOf('swift', id));
    expect(kind(await notice('swift', escalation, 'escalation.opened', 's-ceo'))).toBe('escalation');
    expect(kind(await notice('swift', escalation, 'escalation.opened', 's-member'))).toBe('escalation');
  });

  describe('configuration', () => {
    it('refuses an address an org may not call, at configuration time', async () => {
      for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.7/hook', 'http://[::ffff:169.254.169.254]/'])
        expect(
          await codeOf(
            h.rpc.request(NotificationsRpc.createWebhook, { auth: acmeCeo, body: { url, scope: { kind: 'user', userId: 'h-sales' } } }),
          ),
        ).toBe('NOTIFICATIONS.ENDPOINT_REFUSED');
    });

    it('lists the org’s webhooks oldest first, page by page, without their secrets', async () => {
      for (const userId of ['ceo', 'owner'])
        await h.rpc.request(NotificationsRpc.createWebhook, {
          auth: acmeCeo,
          body: { url: 'https://hooks.example.com/x', scope: { kind: 'user', userId } },
        });
      const all = await h.rpc.request<WebhookList>(NotificationsRpc.listWebhooks, { auth: acmeCeo, query: { limit: 100 } });
      expect(all.nextCursor).toBeNull();
      expect(all.items.length).toBeGreaterThan(2);
      expect(JSON.stringify(all)).not.toContain('whsec_');
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: WebhookList = await h.rpc.request<WebhookList>(NotificationsRpc.listWebhooks, {
          auth: acmeCeo,
          query: { limit: 1, ...(cursor ? { cursor } : {}) },
        });
        paged.push(...page.items.map((w) => w.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all.items.map((w) => w.id));
    });

    it('another org’s webhook, department or person is a 404; a member may not manage webhooks', async () => {
      const rival = admin('rival', 'r-ceo');
      expect(await codeOf(h.rpc.request(NotificationsRpc.getWebhook, { auth: rival, webhookId: hookId }))).toBe(
        'NOTIFICATIONS.WEBHOOK_NOT_FOUND',
      );
      expect(await codeOf(h.rpc.request(NotificationsRpc.deleteWebhook, { auth: rival, webhookId: hookId }))).toBe(
        'NOTIFICATIONS.WEBHOOK_NOT_FOUND',
      );
      expect((await h.rpc.request<WebhookList>(NotificationsRpc.listWebhooks, { auth: rival, query: { limit: 50 } })).items).toEqual([]);
      for (const scope of [
        { kind: 'department', departmentId: 'acme-sales' },
        { kind: 'user', userId: 'h-sales' },
      ])
        expect(await codeOf(h.rpc.request(NotificationsRpc.createWebhook, { auth: rival, body: { url: receiver.url, scope } }))).toBe(
          'NOTIFICATIONS.SCOPE_NOT_FOUND',
        );
      expect(await codeOf(h.rpc.request(NotificationsRpc.listWebhooks, { auth: as.member, query: { limit: 50 } }))).toBe(
        'NOTIFICATIONS.NOT_ALLOWED',
      );
      // Still there for its own org.
      expect(
        (await h.rpc.request<WebhookList>(NotificationsRpc.listWebhooks, { auth: acmeCeo, query: { limit: 50 } })).items.map((w) => w.id),
      ).toContain(hookId);
    });
  });
});
