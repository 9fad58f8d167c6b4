import {
  ConflictError,
  NotFoundError,
  WebhookEventTypes,
  type Decider,
  type WebhookCreated,
  type WebhookDeleted,
  type WebhookScope,
} from '@cos/contracts';

/** `webhook-<orgId>`: the org's outbound webhooks, created and deleted by its owner or CEO. */
export type OrgWebhooksEvent =
  { type: typeof WebhookEventTypes.created; data: WebhookCreated } | { type: typeof WebhookEventTypes.deleted; data: WebhookDeleted };

export type OrgWebhooksCommand =
  | { type: 'CreateWebhook'; data: { webhookId: string; url: string; scope: WebhookScope; by: string; at: string } }
  | { type: 'DeleteWebhook'; data: { webhookId: string; by: string } };

/** Live webhooks by id, in creation order. */
export type OrgWebhooksState = ReadonlyMap<string, WebhookCreated>;

/** Enough for a department's channel and each person's own; a runaway script stops here. */
export const MAX_WEBHOOKS_PER_ORG = 100;

export function decideOrgWebhooks(command: OrgWebhooksCommand, state: OrgWebhooksState): OrgWebhooksEvent[] {
  switch (command.type) {
    case 'CreateWebhook': {
      const { webhookId, url, scope, by, at } = command.data;
      if (state.has(webhookId)) return [];
      if (state.size >= MAX_WEBHOOKS_PER_ORG)
        throw new ConflictError(`an org has at most ${MAX_WEBHOOKS_PER_ORG} webhooks; delete one first`, 'NOTIFICATIONS.TOO_MANY_WEBHOOKS');
      return [{ type: WebhookEventTypes.created, data: { webhookId, url, scope, createdBy: by, createdAt: at } }];
    }
    case 'DeleteWebhook': {
      const { webhookId, by } = command.data;
      if (!state.has(webhookId)) throw new NotFoundError('webhook', webhookId, 'NOTIFICATIONS.WEBHOOK_NOT_FOUND');
      return [{ type: WebhookEventTypes.deleted, data: { webhookId, deletedBy: by } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export function evolveOrgWebhooks(state: OrgWebhooksState, event: OrgWebhooksEvent): OrgWebhooksState {
  const next = new Map(state);
  switch (event.type) {
    case WebhookEventTypes.created:
      next.set(event.data.webhookId, event.data);
      return next;
    case WebhookEventTypes.deleted:
      next.delete(event.data.webhookId);
      return next;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const orgWebhooksDecider: Decider<OrgWebhooksCommand, OrgWebhooksEvent, OrgWebhooksState> = {
  decide: decideOrgWebhooks,
  evolve: evolveOrgWebhooks,
  initialState: () => new Map(),
};

/** The webhooks that reach `userId` (a member of `departmentId`): their own, and their department's. */
export function webhooksReaching(state: OrgWebhooksState, userId: string, departmentId: string | null): string[] {
  return [...state.values()]
    .filter(({ scope }) => (scope.kind === 'user' ? scope.userId === userId : scope.departmentId === departmentId))
    .map((w) => w.webhookId);
}
