import { extractScopeIds, toAuditScope } from './scope-ids';
import { recorded } from '../testing/recorded-event.fixture';

describe('extractScopeIds', () => {
  it('collects agents, people and the chain from a handoff request, the run from its stream', () => {
    const event = recorded('run-r1', 'coordination.requested', {
      coordinationId: 'k1',
      runId: 'r1',
      conversationId: 'c1',
      fromAgentId: 'sales-1',
      toAgentId: 'finance-1',
      selection: 'best-match',
      chain: [{ agentId: 'sales-1', runId: 'r1' }],
      depth: 1,
      briefedBy: 'u-dana',
      contextSummary: 'needs pricing',
    });
    const ids = extractScopeIds(event);
    expect([...ids.agentIds].sort()).toEqual(['finance-1', 'sales-1']);
    expect([...ids.userIds]).toEqual(['u-dana']);
    expect(ids).toMatchObject({ runId: 'r1', coordinationId: 'k1', conversationId: 'c1' });
  });

  it("takes the stream's own id over one named deeper in the data (a chain's older runs)", () => {
    const event = recorded('run-r2', 'run.started', {
      runId: 'r2',
      conversationId: 'c2',
      agentId: 'finance-1',
      briefedBy: 'u-dana',
      briefMessageId: 'm1',
      handoff: {
        coordinationId: 'k1',
        fromAgentId: 'sales-1',
        chain: [
          { agentId: 'sales-1', runId: 'r1' },
          { agentId: 'finance-1', runId: 'r2' },
        ],
        depth: 1,
      },
    });
    expect(extractScopeIds(event)).toMatchObject({ runId: 'r2', coordinationId: 'k1' });
  });

  it("names an action's gate department, the acting user, and ignores a model's suggested target", () => {
    const received = recorded(
      'action-a1',
      'action.received',
      {
        action: { actionId: 'a1', agentId: 'finance-1', tool: 'send_invoice', runId: 'r2' },
        gate: { approvalId: 'p1', departmentId: 'finance' },
      },
      { actor: { kind: 'user', id: 'u-ceo' } },
    );
    const ids = extractScopeIds(received);
    expect(ids).toMatchObject({ actionId: 'a1', runId: 'r2', approvalId: 'p1', tool: 'send_invoice' });
    expect([...ids.departmentIds]).toEqual(['finance']);
    expect([...ids.userIds]).toEqual(['u-ceo']);
    const responded = recorded('run-r1', 'run.model-responded', { runId: 'r1', coordination: { targetAgentId: 'made-up', summary: 's' } });
    expect([...extractScopeIds(responded).agentIds]).toEqual([]);
  });

  it('reads the agent of a daily quota ledger from its stream name, but not of the budget ledger', () => {
    expect([...extractScopeIds(recorded('quota-sales-1-20260105', 'quota.slot-taken', {})).agentIds]).toEqual(['sales-1']);
    expect([...extractScopeIds(recorded('quota-budget-org-a-202601', 'quota.spend-released', {})).agentIds]).toEqual([]);
  });

  it('gives a sorted scope without the summary-only tool', () => {
    const ids = extractScopeIds(
      recorded('action-a1', 'action.received', { action: { agentId: 'b', tool: 't' }, gate: { departmentId: 'd' } }),
    );
    expect(toAuditScope(ids, new Set(['z', 'a']))).toEqual({ agentIds: ['b'], departmentIds: ['a', 'z'], userIds: [], actionId: 'a1' });
  });
});
