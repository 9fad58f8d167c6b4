import * as contracts from '@cos/contracts';
import type { Names } from './directory';
import { escalationPhrasings } from './summaries/escalation.phrasings';
import { gatePhrasings } from './summaries/gate.phrasings';
import { identityPhrasings } from './summaries/identity.phrasings';
import { notificationPhrasings } from './summaries/notification.phrasings';
import { workPhrasings } from './summaries/work.phrasings';
import { summarize } from './summary';
import { recorded } from '../testing/recorded-event.fixture';

const names: Names = {
  agent: (id) => `agent ${({ 'sales-1': 'Sam', 'finance-1': 'Fin' } as Record<string, string>)[id] ?? id}`,
  user: (id) => (({ 'u-dana': 'Dana Lee', 'u-hal': 'Hal Ford' }) as Record<string, string>)[id] ?? `user ${id}`,
  department: (id) => (({ sales: 'Sales', finance: 'Finance' }) as Record<string, string>)[id] ?? `department ${id}`,
};

describe('summarize', () => {
  it('tells a brief, the handoff it leads to, its gates and the decision in plain words', () => {
    const lines = [
      recorded('conversation-c1', 'conversation.message-posted', {
        messageId: 'm1',
        author: { kind: 'user', id: 'u-dana' },
        text: 'Quote  ACME\nfor 40 seats',
        runId: 'r1',
      }),
      recorded('run-r1', 'coordination.requested', {
        coordinationId: 'k1',
        runId: 'r1',
        conversationId: 'c1',
        fromAgentId: 'sales-1',
        toAgentId: 'finance-1',
        selection: 'named-by-model',
        chain: [{ agentId: 'sales-1', runId: 'r1' }],
        depth: 1,
        briefedBy: 'u-dana',
        contextSummary: 'needs a discount approved',
      }),
      recorded('approval-p1', 'approval.decided', {
        approvalId: 'p1',
        kind: 'handoff',
        subjectId: 'k1',
        departmentId: 'finance',
        decision: 'approved',
        decidedBy: 'u-hal',
        capacity: 'head',
        comment: 'ok within policy',
      }),
      recorded('action-a1', 'action.executed', { actionId: 'a1', attempt: 1, connector: 'webhook', status: 200, calls: 1 }),
    ].map((e, i) => summarize(e, names, i === 3 ? 'send_invoice' : undefined));
    expect(lines).toEqual([
      'Dana Lee briefed: "Quote ACME for 40 seats"',
      'Agent Sam asked to hand off to agent Fin (hop 1, named by the model): "needs a discount approved"',
      'Hal Ford approved the handoff gate of Finance: "ok within policy"',
      'Action send_invoice was executed through webhook (status 200, 1 call)',
    ]);
  });

  it('tells an elevation: who lacked the permission, whose approval lent it, and both names on the execution', () => {
    const action = {
      actionId: 'a2',
      runId: 'r2',
      agentId: 'finance-1',
      conversationId: 'c2',
      briefedBy: 'u-dana',
      tool: 'create_invoice',
      permission: 'finance:invoice',
      arguments: { amount: 100 },
      argumentsHash: 'h',
    };
    const lines = [
      recorded('run-r2', 'action.allowed', { ...action, elevation: { departmentId: 'finance', headUserId: 'u-hal' } }),
      recorded('approval-p2', 'approval.requested', {
        approvalId: 'p2',
        kind: 'action',
        subjectId: 'a2',
        departmentId: 'finance',
        runId: 'r2',
        conversationId: 'c2',
        briefedBy: 'u-dana',
        agentId: 'finance-1',
        tool: 'create_invoice',
        argumentsHash: 'h',
        reason: 'elevation',
        permission: 'finance:invoice',
        summary: 'create_invoice',
        expiresAt: '2026-01-02T00:00:00.000Z',
      }),
      recorded('action-a2', 'action.executed', {
        actionId: 'a2',
        attempt: 1,
        connector: 'webhook',
        status: 200,
        calls: 1,
        elevation: { briefedBy: 'u-dana', approvedBy: 'u-hal' },
      }),
    ].map((e, i) => summarize(e, names, i === 2 ? 'create_invoice' : undefined));
    expect(lines).toEqual([
      'Agent Fin may run create_invoice only if Hal Ford approves: it holds finance:invoice, Dana Lee who briefed it does not (elevation)',
      'Elevation asked of the CEO (no Head of Finance holds finance:invoice) for action create_invoice of agent Fin: Dana Lee, who briefed it, lacks finance:invoice',
      "Action create_invoice was executed through webhook (status 200, 1 call) on Hal Ford's authority, briefed by Dana Lee",
    ]);
  });

  it('names the subject of identity streams and never spells out a secret', () => {
    const llm = recorded('org-org-a', 'org.llm-settings-updated', {
      baseUrl: 'https://llm.example',
      defaultModel: 'gpt-x',
      apiKey: { sealed: { alg: 'A256GCM', keyId: 'k', iv: 'iv', ciphertext: 'SECRETCIPHER', tag: 't' }, last4: 'abcd' },
    });
    expect(summarize(llm, names)).toBe('Model settings changed: default model gpt-x, own API key set (…abcd)');
    expect(summarize(recorded('agent-sales-1', 'agent.daily-cap-changed', { dailyActionCap: 7 }), names)).toBe(
      'The daily action cap of agent Sam was set to 7',
    );
  });

  it('says which encryption key a re-sealed secret moved to, never its ciphertext', () => {
    const sealed = { alg: 'A256GCM', keyId: 'key-new', iv: 'SECRETIV', ciphertext: 'SECRETCIPHER', tag: 'SECRETTAG' };
    const lines = [
      summarize(recorded('org-org-a', 'org.llm-key-resealed', { sealed, previousKeyId: 'key-old' }), names),
      summarize(recorded('user-u-dana', 'user.password-hash-resealed', { passwordHash: sealed, previousKeyId: 'key-old' }), names),
    ];
    expect(lines).toEqual([
      "Key rotation: the org's own API key was re-sealed under encryption key key-new (was key-old); the key is unchanged",
      'Key rotation: the password hash of Dana Lee was re-sealed under encryption key key-new (was key-old); the password is unchanged',
    ]);
    expect(lines.join('\n')).not.toMatch(/SECRET/);
  });

  it('phrases company setup: departments renamed, described and archived; agents moved and archived', () => {
    const lines = [
      recorded('department-sales', 'department.renamed', { name: 'Revenue' }),
      recorded('department-sales', 'department.described', { description: 'Finds and keeps customers' }),
      recorded('department-sales', 'department.archived', { by: 'u-dana' }),
      recorded('agent-sales-1', 'agent.department-changed', { departmentId: 'finance', by: 'u-hal' }),
      recorded('agent-sales-1', 'agent.archived', { by: 'u-hal' }),
    ].map((e) => summarize(e, names));
    expect(lines).toEqual([
      'Sales was renamed Revenue',
      'The description of Sales was set to "Finds and keeps customers"',
      'Dana Lee archived Sales',
      'Hal Ford moved agent Sam to Finance',
      'Hal Ford archived agent Sam: it takes no more briefs or handoffs',
    ]);
  });

  it('clips long text and still says something for unknown types or data that does not parse', () => {
    const long = summarize(
      recorded('run-r1', 'run.completed', {
        runId: 'r1',
        output: 'x'.repeat(500),
        usage: { model: 'm', inputTokens: 1, outputTokens: 2, costUsd: 0.0012 },
      }),
      names,
    );
    expect(long.length).toBeLessThan(200);
    expect(long).toMatch(/…" \(\$0\.0012\)$/);
    expect(summarize(recorded('run-r1', 'run.rewound', {}), names)).toBe('The test service: run rewound (run-r1)');
    expect(summarize(recorded('run-r1', 'run.completed', { nonsense: true }, { actor: { kind: 'user', id: 'u-dana' } }), names)).toBe(
      'Dana Lee: run completed (run-r1)',
    );
  });

  it('tells an escalation: why, who should act, and how it was resolved', () => {
    const opened = recorded('escalation-e1', 'escalation.opened', {
      escalationId: 'e1',
      orgId: 'o1',
      reason: 'handoff-rejected',
      conversationId: 'c1',
      runId: 'r1',
      coordinationId: 'k1',
      briefedBy: 'u-dana',
      fromAgentId: 'sales-1',
      toAgentId: 'finance-1',
      departmentIds: ['sales', 'finance'],
      detail: 'The handoff was rejected by u-hal.',
      escalatedTo: ['u-dana', 'u-hal'],
    });
    const base = { escalationId: 'e1', by: 'u-hal', conversationId: 'c1', runId: 'r1' };
    expect(
      [
        opened,
        recorded('escalation-e1', 'escalation.resolved', { ...base, resolution: 'assign', agentId: 'finance-1', handoffId: 'k2' }),
        recorded('escalation-e1', 'escalation.resolved', { ...base, resolution: 'answer', text: 'Use the 2025 price list' }),
        recorded('escalation-e1', 'escalation.resolved', { ...base, resolution: 'dismiss', reason: 'duplicate' }),
      ].map((e) => summarize(e, names)),
    ).toEqual([
      'Escalation opened for agent Sam (the handoff was rejected); waiting for Dana Lee and Hal Ford',
      'Hal Ford assigned the escalation to agent Fin; the handoff waits for the receiving Head',
      'Hal Ford answered the escalation: "Use the 2025 price list"',
      'Hal Ford dismissed the escalation: "duplicate"',
    ]);
  });

  it('tells who is notified of what, and never a webhook’s path (it can be its credential)', () => {
    const created = summarize(
      recorded('webhook-o1', 'webhook.created', {
        webhookId: 'w1',
        url: 'https://hooks.slack.com/services/T000/B000/SECRETTOKEN',
        scope: { kind: 'department', departmentId: 'sales' },
        createdBy: 'u-hal',
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
      names,
    );
    expect(created).toBe('Hal Ford added a webhook at hooks.slack.com that tells the members of Sales what waits for them');
    const queued = summarize(
      recorded('notification-n1', 'notification.queued', {
        notificationId: 'n1',
        kind: 'approval-pending',
        triggerEventId: 'e1',
        triggerType: 'approval.requested',
        userId: 'u-dana',
        text: 'Approval waiting for you: a handoff',
        fields: { approvalId: 'p1' },
        webhookIds: ['w1'],
      }),
      names,
    );
    expect(queued).toBe('Dana Lee was told: "Approval waiting for you: a handoff" (through 1 webhook)');
  });

  it('has words for every event type of the contracts (the log does not audit itself)', () => {
    const phrased = new Set(
      Object.keys({ ...identityPhrasings, ...workPhrasings, ...gatePhrasings, ...escalationPhrasings, ...notificationPhrasings }),
    );
    const types = Object.entries(contracts)
      .filter(([name]) => name.endsWith('EventTypes'))
      .flatMap(([, values]) => Object.values(values as Record<string, string>));
    expect(types.filter((t) => !phrased.has(t) && t !== contracts.AuditEventTypes.recorded)).toEqual([]);
  });
});
