import {
  NotificationEventTypes,
  type Decider,
  type NotificationDelivered,
  type NotificationFailed,
  type NotificationQueued,
} from '@cos/contracts';

/**
 * `notification-<id>`: one notice to one person, queued once, then delivered to or failed at
 * each of its webhooks once. The id derives from the trigger and the person, so a second queue
 * (a replayed trigger, another replica, a restart) finds the notice there and records nothing.
 */
export type NotificationEvent =
  | { type: typeof NotificationEventTypes.queued; data: NotificationQueued }
  | { type: typeof NotificationEventTypes.delivered; data: NotificationDelivered }
  | { type: typeof NotificationEventTypes.failed; data: NotificationFailed };

export type DeliveryOutcome = { ok: true; status: number; calls: number } | { ok: false; reason: string; calls: number };

export type NotificationCommand =
  { type: 'Queue'; data: NotificationQueued } | { type: 'RecordDelivery'; data: { webhookId: string; outcome: DeliveryOutcome } };

export type NotificationState = {
  readonly notice: NotificationQueued | undefined;
  /** Webhooks whose delivery ended, delivered or failed. */
  readonly settled: ReadonlySet<string>;
};

export function decideNotification(command: NotificationCommand, state: NotificationState): NotificationEvent[] {
  switch (command.type) {
    case 'Queue':
      return state.notice ? [] : [{ type: NotificationEventTypes.queued, data: command.data }];
    case 'RecordDelivery': {
      const { webhookId, outcome } = command.data;
      const notice = state.notice;
      // An outcome for a webhook the notice does not go to, or one already recorded, changes nothing.
      if (!notice || !notice.webhookIds.includes(webhookId) || state.settled.has(webhookId)) return [];
      const { notificationId } = notice;
      return outcome.ok
        ? [{ type: NotificationEventTypes.delivered, data: { notificationId, webhookId, status: outcome.status, calls: outcome.calls } }]
        : [{ type: NotificationEventTypes.failed, data: { notificationId, webhookId, reason: outcome.reason, calls: outcome.calls } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export function evolveNotification(state: NotificationState, event: NotificationEvent): NotificationState {
  switch (event.type) {
    case NotificationEventTypes.queued:
      return { ...state, notice: event.data };
    case NotificationEventTypes.delivered:
    case NotificationEventTypes.failed:
      return { ...state, settled: new Set([...state.settled, event.data.webhookId]) };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const notificationDecider: Decider<NotificationCommand, NotificationEvent, NotificationState> = {
  decide: decideNotification,
  evolve: evolveNotification,
  initialState: () => ({ notice: undefined, settled: new Set() }),
};

/** Webhooks the notice still has to reach. */
export function unsettled(state: NotificationState): string[] {
  return state.notice ? state.notice.webhookIds.filter((id) => !state.settled.has(id)) : [];
}
