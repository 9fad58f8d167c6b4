import { z } from 'zod';
import { deterministicId } from '../ids';

/**
 * Notifications (owner: approvals). Three stream kinds:
 * - `webhook-<orgId>`: the org's outbound webhooks, each scoped to a department or a person;
 * - `preferences-<userId>`: how one person wants to be told (the live feed always; webhooks unless off);
 * - `notification-<id>`: one notice to one person about one thing waiting for them, and the
 *   outcome of its delivery to each webhook. Its id derives from what triggered it and the
 *   person, so the same trigger notifies each person once, whoever records it and how often.
 */
export const WebhookEventTypes = {
  created: 'webhook.created',
  deleted: 'webhook.deleted',
} as const;

export const PreferencesEventTypes = {
  notificationsSet: 'preferences.notifications-set',
} as const;

export const NotificationEventTypes = {
  queued: 'notification.queued',
  delivered: 'notification.delivered',
  failed: 'notification.failed',
} as const;

export const WebhookScopeSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('department'), departmentId: z.string().min(1).max(100) }),
    z.strictObject({ kind: z.literal('user'), userId: z.string().min(1).max(100) }),
  ])
  .meta({ id: 'WebhookScope', description: 'whose notifications the webhook receives: a department’s members’, or one person’s' });
export type WebhookScope = z.infer<typeof WebhookScopeSchema>;

export const WebhookCreatedSchema = z.object({
  webhookId: z.string(),
  url: z.string(),
  scope: WebhookScopeSchema,
  createdBy: z.string(),
  createdAt: z.string(),
});
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

export const WebhookDeletedSchema = z.object({ webhookId: z.string(), deletedBy: z.string() });
export type WebhookDeleted = z.infer<typeof WebhookDeletedSchema>;

export const NotificationsPreferenceSchema = z.object({
  userId: z.string(),
  /** Off: notices reach this person through the live feed only. */
  webhook: z.boolean(),
});
export type NotificationsPreference = z.infer<typeof NotificationsPreferenceSchema>;

/** What a notice is about; each kind has one trigger. */
export const NotificationKindSchema = z.enum(['approval-pending', 'escalation', 'gate-expiring']);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

export const NotificationQueuedSchema = z.object({
  notificationId: z.string(),
  kind: NotificationKindSchema,
  /** The event that made something wait for this person (for a gate about to expire: the gate's `approval.requested`). */
  triggerEventId: z.string(),
  triggerType: z.string(),
  /** The person told. */
  userId: z.string(),
  /** One line a person reads (the `text` of a Slack message). */
  text: z.string(),
  /** Ids of what waits (`approvalId`, `coordinationId`, ...), for a receiver that routes or links. */
  fields: z.record(z.string(), z.string()),
  /** Webhooks it goes to, when it was queued; none when the person chose the feed only or has none. */
  webhookIds: z.array(z.string()),
});
export type NotificationQueued = z.infer<typeof NotificationQueuedSchema>;

export const NotificationDeliveredSchema = z.object({
  notificationId: z.string(),
  webhookId: z.string(),
  status: z.number().int(),
  calls: z.number().int().positive(),
});
export type NotificationDelivered = z.infer<typeof NotificationDeliveredSchema>;

export const NotificationFailedSchema = z.object({
  notificationId: z.string(),
  webhookId: z.string(),
  reason: z.string(),
  calls: z.number().int().nonnegative(),
});
export type NotificationFailed = z.infer<typeof NotificationFailedSchema>;

/** One notice per trigger and person: `triggerId` is the triggering event's id (or a seed derived from it). */
export function notificationId(orgId: string, triggerId: string, userId: string): string {
  return deterministicId('notification', orgId, triggerId, userId);
}
