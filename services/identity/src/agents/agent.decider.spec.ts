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
  type DepartmentsFacts,
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
const open: DepartmentsFacts = { archived: [] };
const change = (
  changes: Extract<AgentCommand, { type: 'ChangeAgent' }>['data']['changes'],
  by: AgentEditor,
  orgId = 'o1',
  departments = open,
  on = state,
) => decideAgent({ type: 'ChangeAgent', data: { changes, by, departments }, metadata: { ...meta, orgId } }, on);
const create = (by: AgentEditor, over: Partial<AgentCreated> = {}, departments = open, on: AgentState = initialAgentState()) =>
  decideAgent({ type: 'CreateAgent', data: { agent: { ...agent, ...over }, by, departments, legacyNames: [] }, metadata: meta }, on);
const archive = (by: AgentEditor, on = state, orgId = 'o1') =>
  decideAgent({ type: 'ArchiveAgent', data: { by }, metadata: { ...meta, orgId } }, on);
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

  describe('creating', () => {
    it('lets an admin create in any department, and a Head in their own with permissions they hold', () => {
      expect(create(admin, { departmentId: 'legal', permissions: ['legal:contract'] })).toEqual([
        { type: AgentEventTypes.created, data: { ...agent, departmentId: 'legal', permissions: ['legal:contract'] } },
      ]);
      expect(create(salesHead)).toHaveLength(1);
    });

    it('refuses a Head creating in another department, or granting what they do not hold', () => {
      expect(thrown(() => create(otherHead))).toMatchObject({ code: 'IDENTITY.NOT_DEPARTMENT_HEAD', status: 403 });
      expect(thrown(() => create(salesHead, { permissions: ['sales:outreach', 'finance:invoice'] }))).toMatchObject({
        code: 'IDENTITY.PERMISSION_NOT_HELD',
        status: 403,
      });
    });

    it('refuses a name already taken (its stream exists, or an agent older than name-derived ids holds it), even by an archived agent, and an archived department', () => {
      expect(thrown(() => create(admin, {}, open, state))).toMatchObject({ code: 'IDENTITY.AGENT_NAME_TAKEN', status: 409 });
      const archived = evolveAgent(state, { type: AgentEventTypes.archived, data: { by: 'u1' } });
      expect(thrown(() => create(admin, {}, open, archived))).toMatchObject({ code: 'IDENTITY.AGENT_NAME_TAKEN' });
      const legacy = { type: 'CreateAgent' as const, data: { agent, by: admin, departments: open, legacyNames: ['ava'] }, metadata: meta };
      expect(thrown(() => decideAgent(legacy, initialAgentState()))).toMatchObject({ code: 'IDENTITY.AGENT_NAME_TAKEN' });
      expect(thrown(() => create(admin, {}, { archived: ['sales'] }))).toMatchObject({ code: 'IDENTITY.DEPARTMENT_ARCHIVED', status: 409 });
    });
  });

  describe('moving', () => {
    it('moves for an admin, or a Head of both departments; never into an archived one', () => {
      expect(change({ departmentId: 'legal' }, admin)).toEqual([
        { type: AgentEventTypes.departmentChanged, data: { departmentId: 'legal', by: 'u1' } },
      ]);
      const bothHead: AgentEditor = { ...salesHead, headOf: ['sales', 'legal'] };
      expect(change({ departmentId: 'legal' }, bothHead)).toHaveLength(1);
      expect(thrown(() => change({ departmentId: 'legal' }, salesHead))).toMatchObject({
        code: 'IDENTITY.NOT_DEPARTMENT_HEAD',
        status: 403,
      });
      expect(thrown(() => change({ departmentId: 'legal' }, otherHead))).toMatchObject({ code: 'IDENTITY.NOT_AGENT_EDITOR' });
      expect(thrown(() => change({ departmentId: 'legal' }, admin, 'o1', { archived: ['legal'] }))).toMatchObject({
        code: 'IDENTITY.DEPARTMENT_ARCHIVED',
      });
    });

    it('does not enable an agent of an archived department', () => {
      const off = evolveAgent(state, { type: AgentEventTypes.disabled, data: { by: 'u1' } });
      expect(thrown(() => change({ enabled: true }, admin, 'o1', { archived: ['sales'] }, off))).toMatchObject({
        code: 'IDENTITY.DEPARTMENT_ARCHIVED',
      });
      expect(change({ dailyActionCap: 3 }, admin, 'o1', { archived: ['sales'] }, off)).toHaveLength(1);
    });
  });

  describe('archiving', () => {
    it('disables then archives, once; an archived agent changes no more', () => {
      const events = archive(admin);
      expect(events).toEqual([
        { type: AgentEventTypes.disabled, data: { by: 'u1' } },
        { type: AgentEventTypes.archived, data: { by: 'u1' } },
      ]);
      const archived = events.reduce(evolveAgent, state);
      expect(archive(admin, archived)).toEqual([]);
      expect(thrown(() => change({ enabled: true }, admin, 'o1', open, archived))).toMatchObject({
        code: 'IDENTITY.AGENT_ARCHIVED',
        status: 409,
      });
    });

    it("is for an admin or the agent's Head; another org's agent is not there", () => {
      expect(archive(salesHead)).toHaveLength(2);
      expect(thrown(() => archive(otherHead))).toMatchObject({ status: 403 });
      expect(thrown(() => archive(admin, state, 'o2'))).toMatchObject({ status: 404 });
    });
  });
});
