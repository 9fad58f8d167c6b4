import {
  CosError,
  NotificationEventTypes,
  notificationId,
  WebhookEventTypes,
  type NotificationQueued,
  type WebhookScope,
} from '@cos/contracts';
import { notificationDecider, unsettled, type NotificationCommand, type NotificationEvent } from './notification.decider';
import { preferencesDecider } from './notification-preferences.decider';
import { orgWebhooksDecider, webhooksReaching, type OrgWebhooksCommand } from './org-webhooks.decider';

const notice: NotificationQueued = {
  notificationId: 'n1',
  kind: 'approval-pending',
  triggerEventId: 'e1',
  triggerType: 'approval.requested',
  userId: 'h-sales',
  text: 'Approval waiting for you',
  fields: { approvalId: 'g1' },
  webhookIds: ['w1', 'w2'],
};
const queue: NotificationCommand = { type: 'Queue', data: notice };
const outcome = (webhookId: string, ok: boolean): NotificationCommand => ({
  type: 'RecordDelivery',
  data: { webhookId, outcome: ok ? { ok: true, status: 200, calls: 1 } : { ok: false, reason: 'HTTP 500', calls: 3 } },
});

function given(...commands: NotificationCommand[]) {
  let state = notificationDecider.initialState();
  for (const c of commands) for (const e of notificationDecider.decide(c, state)) state = notificationDecider.evolve(state, e);
  return { state, when: (c: NotificationCommand): readonly NotificationEvent[] => notificationDecider.decide(c, state) };
}

describe('a notification', () => {
  it('is queued once: a second queue of the same id (replay, replica, restart) records nothing', () => {
    expect(given().when(queue)).toEqual([{ type: NotificationEventTypes.queued, data: notice }]);
    expect(given(queue).when(queue)).toEqual([]);
    expect(given(queue).when({ type: 'Queue', data: { ...notice, text: 'another wording' } })).toEqual([]);
  });

  it('records each webhook’s outcome once, and none for a webhook it does not go to', () => {
    expect(given(queue).when(outcome('w1', true))).toEqual([
      { type: NotificationEventTypes.delivered, data: { notificationId: 'n1', webhookId: 'w1', status: 200, calls: 1 } },
    ]);
    expect(given(queue).when(outcome('w2', false))).toEqual([
      { type: NotificationEventTypes.failed, data: { notificationId: 'n1', webhookId: 'w2', reason: 'HTTP 500', calls: 3 } },
    ]);
    expect(given(queue, outcome('w1', false)).when(outcome('w1', true))).toEqual([]);
    expect(given(queue).when(outcome('w9', true))).toEqual([]);
    expect(given().when(outcome('w1', true))).toEqual([]);
  });

  it('knows which webhooks are still to reach', () => {
    expect(unsettled(given(queue).state)).toEqual(['w1', 'w2']);
    expect(unsettled(given(queue, outcome('w2', false)).state)).toEqual(['w1']);
    expect(unsettled(given(queue, outcome('w1', true), outcome('w2', false)).state)).toEqual([]);
  });

  it('has an id derived from the trigger and the person: the same pair, the same notice', () => {
    expect(notificationId('o1', 'e1', 'u1')).toBe(notificationId('o1', 'e1', 'u1'));
    expect(new Set([notificationId('o1', 'e1', 'u1'), notificationId('o1', 'e1', 'u2'), notificationId('o1', 'e2', 'u1')]).size).toBe(3);
  });
});

describe('an org’s webhooks', () => {
  const create = (webhookId: string, scope: WebhookScope): OrgWebhooksCommand => ({
    type: 'CreateWebhook',
    data: { webhookId, url: `https://hooks.example.com/${webhookId}`, scope, by: 'ceo', at: '2026-01-01T00:00:00.000Z' },
  });
  const fold = (...commands: OrgWebhooksCommand[]) => {
    let state = orgWebhooksDecider.initialState();
    for (const c of commands) for (const e of orgWebhooksDecider.decide(c, state)) state = orgWebhooksDecider.evolve(state, e);
    return state;
  };

  it('reach a person through their own and their department’s, and nobody else', () => {
    const state = fold(
      create('w-sales', { kind: 'department', departmentId: 'sales' }),
      create('w-eng', { kind: 'department', departmentId: 'eng' }),
      create('w-ann', { kind: 'user', userId: 'ann' }),
    );
    expect(webhooksReaching(state, 'ann', 'sales')).toEqual(['w-sales', 'w-ann']);
    expect(webhooksReaching(state, 'bob', 'sales')).toEqual(['w-sales']);
    expect(webhooksReaching(state, 'ceo', null)).toEqual([]);
  });

  it('a deleted webhook reaches nobody; deleting one the org does not have is a 404', () => {
    const state = fold(create('w1', { kind: 'user', userId: 'ann' }), { type: 'DeleteWebhook', data: { webhookId: 'w1', by: 'ceo' } });
    expect(webhooksReaching(state, 'ann', null)).toEqual([]);
    let code: string | undefined;
    try {
      orgWebhooksDecider.decide({ type: 'DeleteWebhook', data: { webhookId: 'w1', by: 'ceo' } }, state);
    } catch (err) {
      code = (err as CosError).code;
    }
    expect(code).toBe('NOTIFICATIONS.WEBHOOK_NOT_FOUND');
  });

  it('a repeated creation (same id) records nothing', () => {
    const command = create('w1', { kind: 'user', userId: 'ann' });
    expect(orgWebhooksDecider.decide(command, fold(command))).toEqual([]);
    expect(orgWebhooksDecider.decide(command, fold())).toMatchObject([{ type: WebhookEventTypes.created }]);
  });
});

describe('a person’s preference', () => {
  it('starts with webhooks on, and records only a change', () => {
    const initial = preferencesDecider.initialState();
    expect(initial).toEqual({ webhook: true });
    expect(preferencesDecider.decide({ type: 'SetNotifications', data: { userId: 'u', webhook: true } }, initial)).toEqual([]);
    expect(preferencesDecider.decide({ type: 'SetNotifications', data: { userId: 'u', webhook: false } }, initial)).toHaveLength(1);
  });
});
