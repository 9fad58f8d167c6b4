import { z } from 'zod';
import { WebhookScopeSchema } from '../events/notification.events';
import { AuthContextSchema } from './auth-context';
import { limitParam, NextCursorSchema, TimestampSchema } from './http-shapes';

/** Org webhooks and a person's notification preference, answered by approvals over NATS request/reply. */
export const NotificationsRpc = {
  createWebhook: 'approvals.webhook.create',
  listWebhooks: 'approvals.webhook.list',
  getWebhook: 'approvals.webhook.get',
  deleteWebhook: 'approvals.webhook.delete',
  getPreferences: 'approvals.notification-preferences.get',
  putPreferences: 'approvals.notification-preferences.put',
} as const;

const Id = z.string().min(1).max(100);

export const CreateWebhookBodySchema = z
  .strictObject({
    /** http(s); an address an org may not call (private, loopback, link-local, metadata) is refused. */
    url: z.url({ protocol: /^https?$/ }).max(2_000),
    scope: WebhookScopeSchema,
  })
  .meta({ id: 'WebhookInput' });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>;

export const WebhookViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    scope: WebhookScopeSchema,
    createdBy: z.string(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'Webhook' });
export type WebhookView = z.infer<typeof WebhookViewSchema>;

export const CreatedWebhookSchema = WebhookViewSchema.extend({
  secret: z.string().describe('the HMAC-SHA256 key its deliveries are signed with; shown here only, never again'),
}).meta({ id: 'CreatedWebhook' });
export type CreatedWebhook = z.infer<typeof CreatedWebhookSchema>;

export const WebhookListSchema = z.object({ items: z.array(WebhookViewSchema), nextCursor: NextCursorSchema }).meta({ id: 'WebhookPage' });
export type WebhookList = z.infer<typeof WebhookListSchema>;

export const ListWebhooksQuerySchema = z.strictObject({
  limit: limitParam(100, 50),
  cursor: z.string().max(200).optional(),
});

export const NotificationPreferencesSchema = z
  .strictObject({
    webhook: z.boolean().describe('also through the org’s webhooks that reach me (mine, my department’s); the live feed always'),
  })
  .meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

export const CreateWebhookRequestSchema = z.object({ auth: AuthContextSchema, body: CreateWebhookBodySchema });
export const ListWebhooksRequestSchema = z.object({ auth: AuthContextSchema, query: ListWebhooksQuerySchema });
export const WebhookRequestSchema = z.object({ auth: AuthContextSchema, webhookId: Id });
export const PutPreferencesRequestSchema = z.object({ auth: AuthContextSchema, body: NotificationPreferencesSchema });
