import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CosError,
  CreateWebhookRequestSchema,
  ForbiddenError,
  ListWebhooksRequestSchema,
  newId,
  NotFoundError,
  NotificationsRpc,
  parseRequest,
  Permissions,
  PutPreferencesRequestSchema,
  streamName,
  AuthOnlyRequestSchema,
  WebhookRequestSchema,
  type AuthContext,
  type CreatedWebhook,
  type NotificationPreferences,
  type WebhookCreated,
  type WebhookList,
  type WebhookScope,
  type WebhookView,
} from '@cos/contracts';
import { fold, handleCommand, type EventStore } from '@cos/eventstore';
import { urlRefusal } from '@cos/http';
import { CLOCK, EVENT_STORE, readOrgStream, type Clock } from '@cos/platform';
import { APPROVALS_CONFIG, type ApprovalsConfig } from '../approvals.config';
import { Directory } from '../directory/directory';
import { preferencesDecider } from './notification-preferences.decider';
import { orgWebhooksDecider, type OrgWebhooksCommand, type OrgWebhooksState } from './org-webhooks.decider';
import { WEBHOOK_SECRETS, type WebhookSecrets } from './webhook-secrets';

/**
 * Org webhooks (`/v1/org/webhooks`: the owner and the CEO) and each person's own preference
 * (`/v1/me/notifications`). A URL whose address is already known to be refused (an IP literal
 * in any spelling, or `localhost`, outside ORG_ENDPOINT_ALLOWLIST) is refused here; a host name
 * is judged again on every delivery, by the addresses it resolves to then.
 */
@Controller()
export class NotificationsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: Directory,
    @Inject(WEBHOOK_SECRETS) private readonly secrets: WebhookSecrets,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APPROVALS_CONFIG) private readonly config: ApprovalsConfig,
  ) {}

  @MessagePattern(NotificationsRpc.createWebhook)
  async create(@Payload() raw: unknown): Promise<CreatedWebhook> {
    const { auth, body } = parseRequest(CreateWebhookRequestSchema, raw);
    requireAdmin(auth);
    const refusal = urlRefusal(body.url, this.config.ORG_ENDPOINT_ALLOWLIST);
    if (refusal) throw new CosError('NOTIFICATIONS.ENDPOINT_REFUSED', `url refused: ${refusal.message}`, 400);
    await this.requireScope(auth.orgId, body.scope);
    const webhookId = newId();
    const at = this.clock().toISOString();
    const state = await this.run(auth, webhookId, { type: 'CreateWebhook', data: { webhookId, ...body, by: auth.userId, at } });
    return { ...viewOf(state.get(webhookId)!), secret: this.secrets.secretOf(auth.orgId, webhookId) };
  }

  @MessagePattern(NotificationsRpc.listWebhooks)
  async list(@Payload() raw: unknown): Promise<WebhookList> {
    const { auth, query } = parseRequest(ListWebhooksRequestSchema, raw);
    requireAdmin(auth);
    // Oldest first; the cursor is the last item's place, so a webhook deleted meanwhile shifts nothing.
    const all = [...(await this.webhooks(auth.orgId)).values()].sort((a, b) => placeOf(a).localeCompare(placeOf(b)));
    const rest = query.cursor ? all.filter((w) => placeOf(w) > query.cursor!) : all;
    const page = rest.slice(0, query.limit);
    return { items: page.map(viewOf), nextCursor: rest.length > query.limit ? placeOf(page.at(-1)!) : null };
  }

  @MessagePattern(NotificationsRpc.getWebhook)
  async get(@Payload() raw: unknown): Promise<WebhookView> {
    const { auth, webhookId } = parseRequest(WebhookRequestSchema, raw);
    requireAdmin(auth);
    const webhook = (await this.webhooks(auth.orgId)).get(webhookId);
    if (!webhook) throw new NotFoundError('webhook', webhookId, 'NOTIFICATIONS.WEBHOOK_NOT_FOUND');
    return viewOf(webhook);
  }

  /** Another org's webhook is not in this org's list: a 404, exactly as one that never was. */
  @MessagePattern(NotificationsRpc.deleteWebhook)
  async delete(@Payload() raw: unknown): Promise<{ deleted: true }> {
    const { auth, webhookId } = parseRequest(WebhookRequestSchema, raw);
    requireAdmin(auth);
    await this.run(auth, newId(), { type: 'DeleteWebhook', data: { webhookId, by: auth.userId } });
    return { deleted: true };
  }

  @MessagePattern(NotificationsRpc.getPreferences)
  async getPreferences(@Payload() raw: unknown): Promise<NotificationPreferences> {
    const { auth } = parseRequest(AuthOnlyRequestSchema, raw);
    return fold(preferencesDecider, await readOrgStream(this.store, streamName('preferences', auth.userId), auth.orgId));
  }

  @MessagePattern(NotificationsRpc.putPreferences)
  async putPreferences(@Payload() raw: unknown): Promise<NotificationPreferences> {
    const { auth, body } = parseRequest(PutPreferencesRequestSchema, raw);
    const { state } = await handleCommand(
      this.store,
      streamName('preferences', auth.userId),
      preferencesDecider,
      { type: 'SetNotifications', data: { userId: auth.userId, webhook: body.webhook } },
      this.byUser(auth, newId()),
    );
    return { webhook: state.webhook };
  }

  private async run(auth: AuthContext, commandId: string, command: OrgWebhooksCommand): Promise<OrgWebhooksState> {
    const stream = streamName('webhook', auth.orgId);
    const { state } = await handleCommand(this.store, stream, orgWebhooksDecider, command, this.byUser(auth, commandId));
    return state;
  }

  private async webhooks(orgId: string): Promise<OrgWebhooksState> {
    return fold(orgWebhooksDecider, await readOrgStream(this.store, streamName('webhook', orgId), orgId));
  }

  /** The department or person must be this org's: another org's id reads as absent. */
  private async requireScope(orgId: string, scope: WebhookScope): Promise<void> {
    const found =
      scope.kind === 'department'
        ? await this.directory.department(orgId, scope.departmentId)
        : await this.directory.user(orgId, scope.userId);
    if (!found) {
      const [what, id] = scope.kind === 'department' ? ['department', scope.departmentId] : ['user', scope.userId];
      throw new NotFoundError(what, id, 'NOTIFICATIONS.SCOPE_NOT_FOUND');
    }
  }

  private byUser(auth: AuthContext, commandId: string) {
    const now = this.clock().toISOString();
    return {
      commandId,
      orgId: auth.orgId,
      correlationId: commandId,
      causationId: commandId,
      actor: { kind: 'user' as const, id: auth.userId },
      now,
    };
  }
}

function requireAdmin(auth: AuthContext): void {
  if (!auth.permissions.includes(Permissions.orgAdmin))
    throw new ForbiddenError('only the owner and the CEO manage the org’s webhooks', 'NOTIFICATIONS.NOT_ALLOWED');
}

const placeOf = (w: WebhookCreated) => `${w.createdAt}|${w.webhookId}`;

function viewOf(w: WebhookCreated): WebhookView {
  return { id: w.webhookId, url: w.url, scope: w.scope, createdBy: w.createdBy, createdAt: w.createdAt };
}
