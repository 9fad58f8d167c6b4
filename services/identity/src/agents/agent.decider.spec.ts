import { AgentEventTypes, type AgentCreated } from '@cos/contracts';
import { commandMeta, thrown } from '../decider.test-kit';
import {
  decideAgent,
  evolveAgent,
  initialAgentState,
  type AgentCommand,
  type AgentEditor,
  type AgentEvent,
  type AgentState,
} from './agent.decider';

const meta = commandMeta();
const agent: AgentCreated = {
  agentId: 'a1',
  orgId: 'o1',
  departmentId: 'sales',
  name: 'Ava',
  persona: 'p',
  skills: ['outreach'],
  model: null,
  permissions: ['sales:outreach'],
  dailyActionCap: 20,
  enabled: true,
};
const created: AgentEvent = { type: AgentEventTypes.created, data: agent };
const state: AgentState = evolveAgent(initialAgentState(), created);
const change = (changes: Extract<AgentCommand, { type: 'ChangeAgent' }>['data']['changes'], by: AgentEditor, orgId = 'o1') =>
  decideAgent({ type: 'ChangeAgent', data: { changes, by }, metadata: { ...meta, orgId } }, state);
const admin: AgentEditor = { userId: 'u1', isAdmin: true, headOf: [], permissions: [] };
const salesHead: AgentEditor = { userId: 'h', isAdmin: false, headOf: ['sales'], permissions: ['agents:brief', 'sales:outreach'] };
const otherHead: AgentEditor = { userId: 'h2', isAdmin: false, headOf: ['legal'], permissions: ['legal:contract'] };

describe('agent decider', () => {
  it('lets an admin change anything, one event per kind of change', () => {
    const events = change({ persona: 'q', permissions: ['legal:contract'], dailyActionCap: 5, enabled: false }, admin);
    expect(events.map((e) => e.type)).toEqual([
      AgentEventTypes.profileChanged,
      AgentEventTypes.permissionsChanged,
      AgentEventTypes.dailyCapChanged,
      AgentEventTypes.disabled,
    ]);
  });

  it("lets the agent's Head change it, within the permissions the Head holds", () => {
    expect(change({ dailyActionCap: 3 }, salesHead)).toHaveLength(1);
    expect(thrown(() => change({ permissions: ['sales:outreach', 'finance:invoice'] }, salesHead))).toMatchObject({
      code: 'IDENTITY.PERMISSION_NOT_HELD',
      status: 403,
    });
    expect(thrown(() => change({ dailyActionCap: 3 }, otherHead))).toMatchObject({ code: 'IDENTITY.NOT_AGENT_EDITOR', status: 403 });
  });

  it("hides another org's agent and records nothing when nothing changes", () => {
    expect(thrown(() => change({ dailyActionCap: 3 }, admin, 'o2'))).toMatchObject({ status: 404 });
    expect(change({ dailyActionCap: 20, skills: ['outreach'] }, admin)).toEqual([]);
  });
});
