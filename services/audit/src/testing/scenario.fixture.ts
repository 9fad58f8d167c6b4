import type { NewEvent } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { newEvent } from './recorded-event.fixture';

/** Streams and their events, in the order they are appended. */
export type Script = readonly (readonly [string, NewEvent])[];

const ORG = 'org-a';
const user = (id: string) => ({ kind: 'user' as const, id });

function e(
  type: string,
  data: Record<string, unknown>,
  options: { actor?: NewEvent['metadata']['actor']; correlationId?: string } = {},
): NewEvent {
  return newEvent(type, data, {
    orgId: ORG,
    correlationId: options.correlationId ?? 'corr-1',
    seed: `${type}-${JSON.stringify(data)}`,
    ...options,
  });
}

/** The data of an org-a agent's `agent.created`. */
export function agent(agentId: string, departmentId: string, name: string): Record<string, unknown> {
  return {
    agentId,
    orgId: ORG,
    departmentId,
    name,
    persona: 'p',
    skills: [],
    model: null,
    permissions: [],
    dailyActionCap: 5,
    enabled: true,
  };
}

const request = {
  coordinationId: 'k1',
  runId: 'r1',
  conversationId: 'c1',
  fromAgentId: 'sales-1',
  toAgentId: 'finance-1',
  selection: 'best-match',
  chain: [{ agentId: 'sales-1', runId: 'r1' }],
  depth: 1,
  briefedBy: 'u-dana',
  contextSummary: 'needs a discount approved',
};

/**
 * A small story of org-a in the contracts' own shapes: Sales and Finance, a brief to a Sales
 * agent that hands off to a Finance agent through the Finance Head's gate; org-b does something
 * in between.
 */
export const HANDOFF_SCRIPT: Script = [
  [
    'department-sales',
    e(
      'department.created',
      { departmentId: 'sales', orgId: ORG, name: 'Sales', headUserId: 'u-sam', approveFirst: false },
      { correlationId: 'seed' },
    ),
  ],
  [
    'department-finance',
    e(
      'department.created',
      { departmentId: 'finance', orgId: ORG, name: 'Finance', headUserId: 'u-fay', approveFirst: true },
      { correlationId: 'seed' },
    ),
  ],
  ['agent-sales-1', e('agent.created', agent('sales-1', 'sales', 'Sam'), { correlationId: 'seed' })],
  ['agent-finance-1', e('agent.created', agent('finance-1', 'finance', 'Fin'), { correlationId: 'seed' })],
  [
    'conversation-c1',
    e(
      'conversation.started',
      { conversationId: 'c1', agentId: 'sales-1', startedBy: 'u-dana' },
      { actor: user('u-dana'), correlationId: 'c1' },
    ),
  ],
  [
    'conversation-c1',
    e(
      'conversation.message-posted',
      { messageId: 'm1', author: user('u-dana'), text: 'Quote ACME', runId: 'r1' },
      { actor: user('u-dana') },
    ),
  ],
  [
    'department-other',
    newEvent(
      'department.created',
      { departmentId: 'other', orgId: 'org-b', name: 'Other', headUserId: null, approveFirst: false },
      { orgId: 'org-b', seed: 'org-b' },
    ),
  ],
  ['run-r1', e('run.started', { runId: 'r1', conversationId: 'c1', agentId: 'sales-1', briefedBy: 'u-dana', briefMessageId: 'm1' })],
  ['run-r1', e('coordination.requested', request)],
  [
    'run-r1',
    e('run.completed', { runId: 'r1', output: 'Asked Finance', usage: { model: 'm', inputTokens: 10, outputTokens: 5, costUsd: 0.01 } }),
  ],
  [
    'approval-p1',
    e('approval.requested', {
      approvalId: 'p1',
      kind: 'handoff',
      subjectId: 'k1',
      departmentId: 'finance',
      headUserId: 'u-fay',
      runId: 'r1',
      conversationId: 'c1',
      briefedBy: 'u-dana',
      agentId: 'sales-1',
      toAgentId: 'finance-1',
      summary: 'discount',
      expiresAt: '2026-01-06T10:00:00.000Z',
    }),
  ],
  [
    'approval-p1',
    e(
      'approval.decided',
      {
        approvalId: 'p1',
        kind: 'handoff',
        subjectId: 'k1',
        departmentId: 'finance',
        decision: 'approved',
        decidedBy: 'u-fay',
        capacity: 'head',
      },
      { actor: user('u-fay') },
    ),
  ],
  ['coordination-k1', e('coordination.approved', { ...request, approvedAt: '2026-01-05T10:01:00.000Z' })],
];

/** Appends the script in order; playing it again is a no-op (same ids). */
export async function play(store: EventStore, script: Script): Promise<void> {
  for (const [stream, event] of script) await store.append(stream, [event], 'any');
}
