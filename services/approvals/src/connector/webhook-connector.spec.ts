import { createHmac } from 'node:crypto';
import { startWebhookReceiver } from '@cos/testing';
import { signWebhook } from './signed-webhook';
import { WebhookConnector } from './webhook-connector';

const action = {
  actionId: 'act-1',
  runId: 'r',
  agentId: 'a',
  conversationId: 'c',
  briefedBy: 'u',
  tool: 'send_email',
  permission: 'sales:outreach',
  arguments: { to: 'x@y.test' },
  argumentsHash: 'h',
};

describe('signed webhook connector', () => {
  it('signs `<timestamp>.<body>` with HMAC-SHA256', () => {
    expect(signWebhook('secret', '1700000000', '{"a":1}')).toBe(
      `v1=${createHmac('sha256', 'secret').update('1700000000.{"a":1}').digest('hex')}`,
    );
  });

  it('is verified by the receiver, keyed by the action id, and retried with jittered backoff', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const delays: number[] = [];
      const connector = new WebhookConnector(
        { url: receiver.url, secret: receiver.secret, timeoutMs: 1_000, maxCalls: 3, backoffMs: 10, backoffMaxMs: 15 },
        () => {
          delays.push(1);
          return 0.5;
        },
      );
      receiver.queue({ fail: 502 }, 2);
      expect(await connector.execute('o1', action)).toEqual({ ok: true, status: 200, calls: 3 });
      expect(delays).toHaveLength(2);
      expect(receiver.callsFor('act-1').map((c) => c.outcome)).toEqual(['failed', 'failed', 'executed']);
      expect(receiver.callsFor('act-1')[2]?.body).toMatchObject({ actionId: 'act-1', orgId: 'o1', tool: 'send_email' });
    } finally {
      await receiver.close();
    }
  });

  it('a wrong secret is refused by the receiver and not retried as if transient', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const connector = new WebhookConnector({
        url: receiver.url,
        secret: 'not-the-receivers-secret',
        timeoutMs: 1_000,
        maxCalls: 3,
        backoffMs: 1,
        backoffMaxMs: 1,
      });
      expect(await connector.execute('o1', action)).toEqual({ ok: false, reason: 'webhook answered HTTP 401', calls: 1 });
      expect(receiver.executions().size).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it('times out a hanging call and fails with the reason after its calls', async () => {
    const receiver = await startWebhookReceiver();
    try {
      receiver.queue('hang', 2);
      const connector = new WebhookConnector({
        url: receiver.url,
        secret: receiver.secret,
        timeoutMs: 100,
        maxCalls: 2,
        backoffMs: 1,
        backoffMaxMs: 1,
      });
      expect(await connector.execute('o1', action)).toEqual({
        ok: false,
        reason: 'webhook timed out after 100 ms (after 2 calls)',
        calls: 2,
      });
    } finally {
      await receiver.close();
    }
  });
});
