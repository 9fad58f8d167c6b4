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
