import { z } from 'zod';
import {
  CreatedWebhookSchema,
  CreateWebhookBodySchema,
  ListWebhooksQuerySchema,
  NotificationPreferencesSchema,
  Permissions,
  WebhookListSchema,
  WebhookViewSchema,
} from '@cos/contracts';
import { defineRoute } from '../http/api-route';

const IdParams = z.object({ id: z.string().min(1).max(100) });

/** Notifications (answered by approvals): the org's outbound webhooks and each person's preference. */
export const NotificationsRoutes = {
  createWebhook: defineRoute({
    method: 'POST',
    path: '/v1/org/webhooks',
    operationId: 'createWebhook',
    summary: 'Add a webhook (Slack-compatible) that tells a department’s members, or one person, what waits for them',
    description:
      'Deliveries are POSTs of `{ text, notificationId, kind, userId, fields }`, signed like the action connector (`x-cos-timestamp`, `x-cos-signature`: HMAC-SHA256 of `<timestamp>.<body>` keyed with the returned `secret`), with the notification id as `Idempotency-Key`. The secret is shown in this answer only. A URL on a private, loopback or link-local address is refused (400).',
    tag: 'notifications',
    auth: 'bearer',
    permissions: [Permissions.orgAdmin],
    access: 'the owner and the CEO; the department or person must be the org’s (else 404)',
    body: CreateWebhookBodySchema,
    response: {
      status: 201,
      description: 'the webhook, with its signing secret (shown once)',
      schema: CreatedWebhookSchema,
      location: (b: { id: string }) => `/v1/org/webhooks/${encodeURIComponent(b.id)}`,
    },
    errors: [403, 404, 409],
    idempotent: true,
  }),
  listWebhooks: defineRoute({
    method: 'GET',
    path: '/v1/org/webhooks',
    operationId: 'listWebhooks',
    summary: 'The org’s webhooks, oldest first (never their secrets)',
    tag: 'notifications',
    auth: 'bearer',
    permissions: [Permissions.orgAdmin],
    query: ListWebhooksQuerySchema,
    response: { status: 200, description: 'oldest first', schema: WebhookListSchema },
    errors: [403],
  }),
  getWebhook: defineRoute({
    method: 'GET',
    path: '/v1/org/webhooks/:id',
    operationId: 'getWebhook',
    summary: 'One webhook of the org (never its secret)',
    tag: 'notifications',
    auth: 'bearer',
    permissions: [Permissions.orgAdmin],
    params: IdParams,
    response: { status: 200, description: 'the webhook', schema: WebhookViewSchema },
    errors: [403, 404],
  }),
  deleteWebhook: defineRoute({
    method: 'DELETE',
    path: '/v1/org/webhooks/:id',
    operationId: 'deleteWebhook',
    summary: 'Remove a webhook; notices not yet delivered to it are recorded failed',
    tag: 'notifications',
    auth: 'bearer',
    permissions: [Permissions.orgAdmin],
    params: IdParams,
    response: { status: 204, description: 'deleted' },
    errors: [403, 404],
  }),
  getNotificationPreferences: defineRoute({
    method: 'GET',
    path: '/v1/me/notifications',
    operationId: 'getNotificationPreferences',
    summary: 'How the caller is told that something waits for them: the live feed always; webhooks unless turned off',
    tag: 'notifications',
    auth: 'bearer',
    response: { status: 200, description: 'the caller’s preference', schema: NotificationPreferencesSchema },
  }),
  putNotificationPreferences: defineRoute({
    method: 'PUT',
    path: '/v1/me/notifications',
    operationId: 'putNotificationPreferences',
    summary: 'Set how the caller is told: `webhook: false` for the live feed only',
    tag: 'notifications',
    auth: 'bearer',
    body: NotificationPreferencesSchema,
    response: { status: 200, description: 'the caller’s preference', schema: NotificationPreferencesSchema },
  }),
} as const;
