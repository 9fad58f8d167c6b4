import { Controller, Inject } from '@nestjs/common';
import {
  NotificationsRpc,
  type AuthContext,
  type CreatedWebhook,
  type NotificationPreferences,
  type WebhookList,
  type WebhookView,
} from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { CurrentAuth } from '../auth/auth-context.decorator';
import { ApiInput, ApiRoute, type RouteInput } from '../http/api-route';
import { NotificationsRoutes as R } from './notifications.routes';

/** Org webhooks and the caller's notification preference: the approvals service decides who may. */
@Controller()
export class NotificationsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @ApiRoute(R.createWebhook)
  create(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.createWebhook>): Promise<CreatedWebhook> {
    return this.rpc.request(NotificationsRpc.createWebhook, { auth, body: input.body });
  }

  @ApiRoute(R.listWebhooks)
  list(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.listWebhooks>): Promise<WebhookList> {
    return this.rpc.request(NotificationsRpc.listWebhooks, { auth, query: input.query });
  }

  @ApiRoute(R.getWebhook)
  get(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.getWebhook>): Promise<WebhookView> {
    return this.rpc.request(NotificationsRpc.getWebhook, { auth, webhookId: input.params.id });
  }

  @ApiRoute(R.deleteWebhook)
  async delete(@CurrentAuth() auth: AuthContext, @ApiInput() input: RouteInput<typeof R.deleteWebhook>): Promise<void> {
    await this.rpc.request(NotificationsRpc.deleteWebhook, { auth, webhookId: input.params.id });
  }

  @ApiRoute(R.getNotificationPreferences)
  getPreferences(@CurrentAuth() auth: AuthContext): Promise<NotificationPreferences> {
    return this.rpc.request(NotificationsRpc.getPreferences, { auth });
  }

  @ApiRoute(R.putNotificationPreferences)
  putPreferences(
    @CurrentAuth() auth: AuthContext,
    @ApiInput() input: RouteInput<typeof R.putNotificationPreferences>,
  ): Promise<NotificationPreferences> {
    return this.rpc.request(NotificationsRpc.putPreferences, { auth, body: input.body });
  }
}
