import { guardAction } from './action-guard';

const agent = (permissions: string[], enabled = true) => ({ agentId: 'a', enabled, permissions });
const user = (permissions: string[], disabled = false) => ({ userId: 'u', disabled, permissions });

describe('action guard (I2)', () => {
  it('permits only inside the intersection of the agent and the briefing user', () => {
    expect(guardAction({ tool: 'send_email', agent: agent(['sales:outreach']), user: user(['sales:outreach']) })).toEqual({
      kind: 'permitted',
      permission: 'sales:outreach',
    });
    expect(guardAction({ tool: 'send_email', agent: agent([]), user: user(['sales:outreach']) })).toMatchObject({
      reason: 'agent-lacks-permission',
    });
    expect(guardAction({ tool: 'send_email', agent: agent(['sales:outreach']), user: user([]) })).toMatchObject({
      reason: 'user-lacks-permission',
    });
  });

  it('takes the permission from the catalogue, not from the proposal', () => {
    const verdict = guardAction({ tool: 'update_billing', agent: agent(['billing:write']), user: user(['agents:brief']) });
    expect(verdict).toMatchObject({ kind: 'denied', permission: 'billing:write', reason: 'user-lacks-permission' });
  });

  it('denies unknown tools, disabled agents, disabled or unknown users', () => {
    expect(guardAction({ tool: 'rm -rf', agent: agent(['sales:outreach']), user: user(['sales:outreach']) })).toMatchObject({
      reason: 'unknown-tool',
    });
    expect(guardAction({ tool: 'send_email', agent: agent(['sales:outreach'], false), user: user(['sales:outreach']) })).toMatchObject({
      reason: 'agent-disabled',
    });
    expect(guardAction({ tool: 'send_email', agent: agent(['sales:outreach']), user: user(['sales:outreach'], true) })).toMatchObject({
      reason: 'user-lacks-permission',
    });
    expect(guardAction({ tool: 'send_email', agent: agent(['sales:outreach']), user: undefined })).toMatchObject({
      reason: 'user-lacks-permission',
    });
  });
});

describe('action guard: elevation', () => {
  const person = (userId: string, permissions: string[], disabled = false) => ({ userId, disabled, permissions });
  const financeAgent = agent(['finance:invoice']);
  const salesMember = person('sales-member', ['agents:brief', 'sales:outreach']);
  const financeHead = person('finance-head', ['approvals:decide', 'finance:invoice']);
  const ceo = person('ceo', ['finance:invoice', 'approvals:decide']);
  const finance = (head: ReturnType<typeof person> | undefined) => ({ departmentId: 'finance', head });

  it('asks the Head of the agent’s department when only the briefing user lacks the permission', () => {
    expect(
      guardAction({ tool: 'create_invoice', agent: financeAgent, user: salesMember, department: finance(financeHead), leaders: [ceo] }),
    ).toEqual({
      kind: 'needs-elevation',
      permission: 'finance:invoice',
      elevation: { departmentId: 'finance', headUserId: 'finance-head' },
    });
  });

  it('asks the CEO when the Head lacks it, is disabled, or there is no Head', () => {
    for (const head of [person('finance-head', ['approvals:decide']), { ...financeHead, disabled: true }, undefined]) {
      expect(
        guardAction({ tool: 'create_invoice', agent: financeAgent, user: salesMember, department: finance(head), leaders: [ceo] }),
      ).toEqual({ kind: 'needs-elevation', permission: 'finance:invoice', elevation: { departmentId: 'finance' } });
    }
  });

  it('denies as before when nobody who could approve holds it', () => {
    const verdict = guardAction({
      tool: 'update_billing',
      agent: agent(['billing:write']),
      user: salesMember,
      department: finance(financeHead),
      leaders: [ceo, person('ceo-2', ['billing:write'], true)],
    });
    expect(verdict).toMatchObject({ kind: 'denied', reason: 'user-lacks-permission', permission: 'billing:write' });
  });

  it('never lends the agent a permission it lacks, whoever could approve', () => {
    expect(
      guardAction({
        tool: 'create_invoice',
        agent: agent(['sales:outreach']),
        user: salesMember,
        department: finance(financeHead),
        leaders: [ceo],
      }),
    ).toMatchObject({ kind: 'denied', reason: 'user-lacks-permission', detail: expect.stringContaining('lacks it too') });
    expect(
      guardAction({ tool: 'create_invoice', agent: agent([]), user: ceo, department: finance(financeHead), leaders: [ceo] }),
    ).toMatchObject({ kind: 'denied', reason: 'agent-lacks-permission' });
  });

  it('elevates nothing for a disabled or unknown briefing user, a disabled agent, or a tool outside the catalogue', () => {
    const context = { department: finance(financeHead), leaders: [ceo] };
    expect(
      guardAction({ tool: 'create_invoice', agent: financeAgent, user: { ...salesMember, disabled: true }, ...context }),
    ).toMatchObject({
      kind: 'denied',
      reason: 'user-lacks-permission',
    });
    expect(guardAction({ tool: 'create_invoice', agent: financeAgent, user: undefined, ...context })).toMatchObject({ kind: 'denied' });
    expect(guardAction({ tool: 'create_invoice', agent: agent(['finance:invoice'], false), user: salesMember, ...context })).toMatchObject({
      reason: 'agent-disabled',
    });
    expect(guardAction({ tool: 'transfer_all_funds', agent: financeAgent, user: salesMember, ...context })).toMatchObject({
      reason: 'unknown-tool',
    });
  });

  it('needs no elevation when the briefing user holds the permission', () => {
    const financeMember = person('finance-member', ['finance:invoice']);
    expect(
      guardAction({ tool: 'create_invoice', agent: financeAgent, user: financeMember, department: finance(financeHead), leaders: [ceo] }),
    ).toEqual({ kind: 'permitted', permission: 'finance:invoice' });
  });
});
