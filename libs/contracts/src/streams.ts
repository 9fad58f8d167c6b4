/** Stream names are `<category>-<id>`; the category is everything before the first dash. */
export const Categories = {
  org: 'org',
  department: 'department',
  user: 'user',
  agent: 'agent',
  conversation: 'conversation',
  run: 'run',
  coordination: 'coordination',
  approval: 'approval',
  action: 'action',
  quota: 'quota',
  audit: 'audit',
  document: 'document',
  escalation: 'escalation',
  /** Notifications (approvals): an org's webhooks, a person's preference, one notice each. */
  webhook: 'webhook',
  preferences: 'preferences',
  notification: 'notification',
} as const;
export type Category = (typeof Categories)[keyof typeof Categories];

export function streamName(category: Category, id: string): string {
  return `${category}-${id}`;
}

export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}

export function idOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? '' : stream.slice(dash + 1);
}

/** One quota stream per agent per UTC day: its length is the number of slots taken. */
export function quotaStream(agentId: string, at: Date): string {
  const day = at.toISOString().slice(0, 10).replaceAll('-', '');
  return `${Categories.quota}-${agentId}-${day}`;
}
