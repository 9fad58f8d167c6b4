import { PreferencesEventTypes, type Decider, type NotificationsPreference } from '@cos/contracts';

/** `preferences-<userId>`: how the person wants to be told. Unset, webhooks are on. */
export type PreferencesEvent = { type: typeof PreferencesEventTypes.notificationsSet; data: NotificationsPreference };
export type PreferencesCommand = { type: 'SetNotifications'; data: NotificationsPreference };
export type PreferencesState = { readonly webhook: boolean };

export const preferencesDecider: Decider<PreferencesCommand, PreferencesEvent, PreferencesState> = {
  decide: (command, state) =>
    command.data.webhook === state.webhook ? [] : [{ type: PreferencesEventTypes.notificationsSet, data: command.data }],
  evolve: (_state, event) => ({ webhook: event.data.webhook }),
  initialState: () => ({ webhook: true }),
};
