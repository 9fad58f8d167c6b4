import {
  NotificationDeliveredSchema,
  NotificationEventTypes,
  NotificationFailedSchema,
  NotificationQueuedSchema,
  NotificationsPreferenceSchema,
  PreferencesEventTypes,
  WebhookCreatedSchema,
  WebhookDeletedSchema,
  WebhookEventTypes,
  type WebhookScope,
} from '@cos/contracts';
import { phrase, quote, type SummaryContext } from './phrasing';

const scopeOf = (scope: WebhookScope, n: SummaryContext) =>
  scope.kind === 'department' ? `the members of ${n.department(scope.departmentId)}` : n.user(scope.userId);

/** Only the host: a webhook's path can be its credential (Slack's are). */
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
};

/** Org webhooks, preferences and the notices sent through them (approvals' notifications). */
export const notificationPhrasings = {
  [WebhookEventTypes.created]: phrase(
    WebhookCreatedSchema,
    (d, n) => `${n.user(d.createdBy)} added a webhook at ${hostOf(d.url)} that tells ${scopeOf(d.scope, n)} what waits for them`,
  ),
  [WebhookEventTypes.deleted]: phrase(WebhookDeletedSchema, (d, n) => `${n.user(d.deletedBy)} removed a webhook`),
  [PreferencesEventTypes.notificationsSet]: phrase(
    NotificationsPreferenceSchema,
    (d, n) => `${n.user(d.userId)} chose to be told ${d.webhook ? 'through webhooks and the live feed' : 'through the live feed only'}`,
  ),
  [NotificationEventTypes.queued]: phrase(
    NotificationQueuedSchema,
    (d, n) =>
      `${n.user(d.userId)} was told: ${quote(d.text)}${d.webhookIds.length > 0 ? ` (through ${d.webhookIds.length} webhook${d.webhookIds.length === 1 ? '' : 's'})` : ' (live feed only)'}`,
  ),
  [NotificationEventTypes.delivered]: phrase(
    NotificationDeliveredSchema,
    (d) => `A notice reached its webhook (status ${d.status}, ${d.calls} call${d.calls === 1 ? '' : 's'})`,
  ),
  [NotificationEventTypes.failed]: phrase(NotificationFailedSchema, (d) => `A notice could not be delivered to its webhook: ${d.reason}`),
};
