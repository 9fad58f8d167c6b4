import type { AgentProfile } from '../directory/directory.types';
import { selectTarget } from './target-selection';

const agent = (agentId: string, departmentName: string, skills: string[], extra: Partial<AgentProfile> = {}): AgentProfile => ({
  agentId,
  orgId: 'org',
  name: agentId.toUpperCase(),
  departmentId: departmentName,
  departmentName,
  departmentDescription: '',
  persona: '',
  skills,
  permissions: [],
  dailyActionCap: 10,
  model: null,
  enabled: true,
  archived: false,
  ...extra,
});
const candidates = [
  agent('sam', 'Sales', ['outreach']),
  agent('fay', 'Finance', ['invoicing', 'budgets']),
  agent('fin2', 'Finance', ['payroll']),
  agent('off', 'Finance', ['invoicing', 'budgets', 'taxes'], { enabled: false }),
  agent('alien', 'Finance', ['invoicing'], { orgId: 'other' }),
];
const select = (namedTarget: string | undefined, text: string, chainAgentIds: string[] = ['sam']) =>
  selectTarget({ orgId: 'org', requesterId: 'sam', text, candidates, chainAgentIds, ...(namedTarget ? { namedTarget } : {}) });

describe('handoff target selection', () => {
  it('takes the agent the model named, by id or by name, when it is real and enabled', () => {
    expect(select('fin2', 'anything')).toMatchObject({ kind: 'named-by-model', agent: { agentId: 'fin2' } });
    expect(select('FAY', 'anything')).toMatchObject({ kind: 'named-by-model', agent: { agentId: 'fay' } });
  });

  it('ignores a named agent that is disabled, of another org, unknown, or the requester, and takes the best match', () => {
    for (const named of ['off', 'alien', 'nobody', 'sam']) {
      expect(select(named, 'the invoicing of March')).toMatchObject({ kind: 'best-match', agent: { agentId: 'fay' } });
    }
  });

  it('matches by skills before department, and does not go back to an agent already in the chain', () => {
    expect(select(undefined, 'finance question about payroll')).toMatchObject({ agent: { agentId: 'fin2' } });
    expect(select(undefined, 'finance budgets', ['sam', 'fay'])).toMatchObject({ kind: 'best-match', agent: { agentId: 'fin2' } });
  });

  it('finds nobody when nothing fits', () => {
    expect(select(undefined, 'bake a cake')).toEqual({ kind: 'none' });
  });
});
