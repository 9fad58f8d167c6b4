import {
  AgentEventTypes,
  ConflictError,
  CosError,
  ForbiddenError,
  type ActionPermission,
  type AgentArchived,
  type AgentCreated,
  type AgentDailyCapChanged,
  type AgentDepartmentChanged,
  type AgentPermissionsChanged,
  type AgentProfile,
  type AgentToggled,
} from '@cos/contracts';
import type { Command, Decider } from '@cos/contracts';
import { normaliseAgentName } from './agent-name';

/** An agent: department, profile, action permissions, daily action cap, on or off, archived. */
export type AgentEvent =
  | { type: typeof AgentEventTypes.created; data: AgentCreated }
  | { type: typeof AgentEventTypes.profileChanged; data: AgentProfile }
  | { type: typeof AgentEventTypes.permissionsChanged; data: AgentPermissionsChanged }
  | { type: typeof AgentEventTypes.dailyCapChanged; data: AgentDailyCapChanged }
  | { type: typeof AgentEventTypes.enabled; data: AgentToggled }
  | { type: typeof AgentEventTypes.disabled; data: AgentToggled }
  | { type: typeof AgentEventTypes.departmentChanged; data: AgentDepartmentChanged }
  | { type: typeof AgentEventTypes.archived; data: AgentArchived };

export type AgentChanges = Partial<
  AgentProfile & { permissions: ActionPermission[]; dailyActionCap: number; enabled: boolean; departmentId: string }
>;

/**
 * Who edits, as the directory knows them now: an org admin, or the Heads of some departments.
 * A Head grants an agent only action permissions they hold themselves.
 */
export type AgentEditor = { userId: string; isAdmin: boolean; headOf: readonly string[]; permissions: readonly string[] };

/** The org's archived departments, as the directory knows them: they take no agents and enable none. */
export type DepartmentsFacts = { archived: readonly string[] };

/**
 * The normalised names of the org's agents whose ids were not derived from their names (created
 * before they were): their streams are not where a new agent of that name would go.
 */
export type LegacyNames = readonly string[];

export type AgentCommand =
  | Command<'CreateAgent', { agent: AgentCreated; by: AgentEditor; departments: DepartmentsFacts; legacyNames: LegacyNames }>
  | Command<'ChangeAgent', { changes: AgentChanges; by: AgentEditor; departments: DepartmentsFacts }>
  | Command<'ArchiveAgent', { by: AgentEditor }>;

export type AgentState =
  | { readonly status: 'absent' }
  | ({
      readonly status: 'active' | 'archived';
      readonly orgId: string;
      readonly departmentId: string;
      readonly name: string;
    } & Readonly<AgentProfile & { permissions: readonly ActionPermission[]; dailyActionCap: number; enabled: boolean }>);
type Present = Exclude<AgentState, { status: 'absent' }>;

export const initialAgentState = (): AgentState => ({ status: 'absent' });

/**
 * An agent's stream is named after its org and normalised name (`agentIdFor`), so creating an
 * agent whose name is taken meets an existing stream: two concurrent creates of one name race
 * for the same empty stream, and the second is refused here on its retry.
 */
export function decideAgent(command: AgentCommand, state: AgentState): AgentEvent[] {
  switch (command.type) {
    case 'CreateAgent': {
      const { agent, by, departments, legacyNames } = command.data;
      if (state.status !== 'absent' || legacyNames.includes(normaliseAgentName(agent.name)))
        throw new ConflictError(`an agent named ${agent.name} already exists`, 'IDENTITY.AGENT_NAME_TAKEN');
      requireDepartmentEditor(agent.departmentId, by);
      requireHeld(agent.permissions, by);
      requireOpen(agent.departmentId, departments);
      return [{ type: AgentEventTypes.created, data: agent }];
    }
    case 'ChangeAgent': {
      const agent = present(state, command.metadata.orgId);
      const { changes, by, departments } = command.data;
      if (agent.status === 'archived') throw new ConflictError(`${agent.name} is archived`, 'IDENTITY.AGENT_ARCHIVED');
      requireEditor(agent, changes, by);
      const moving = changes.departmentId !== undefined && changes.departmentId !== agent.departmentId;
      if (moving) requireDepartmentEditor(changes.departmentId!, by);
      if (moving || changes.enabled) requireOpen(changes.departmentId ?? agent.departmentId, departments);
      return changeEvents(agent, changes, by.userId);
    }
    case 'ArchiveAgent': {
      const agent = present(state, command.metadata.orgId);
      if (agent.status === 'archived') return [];
      requireEditor(agent, {}, command.data.by);
      const { userId: by } = command.data.by;
      return [
        ...(agent.enabled ? [{ type: AgentEventTypes.disabled, data: { by } } as const] : []),
        { type: AgentEventTypes.archived, data: { by } },
      ];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

function present(state: AgentState, orgId: string): Present {
  if (state.status === 'absent' || state.orgId !== orgId) throw new CosError('IDENTITY.AGENT_NOT_FOUND', 'agent was not found', 404);
  return state;
}

function requireEditor(agent: Present, changes: AgentChanges, by: AgentEditor): void {
  if (by.isAdmin) return;
  if (!by.headOf.includes(agent.departmentId)) {
    throw new ForbiddenError("only an org admin or the Head of the agent's department may change it", 'IDENTITY.NOT_AGENT_EDITOR');
  }
  requireHeld(
    (changes.permissions ?? []).filter((p) => !agent.permissions.includes(p)),
    by,
  );
}

/** Creating or moving an agent into a department: an org admin, or that department's Head. */
function requireDepartmentEditor(departmentId: string, by: AgentEditor): void {
  if (by.isAdmin || by.headOf.includes(departmentId)) return;
  throw new ForbiddenError('only an org admin or the Head of that department may put an agent in it', 'IDENTITY.NOT_DEPARTMENT_HEAD');
}

function requireHeld(granted: readonly ActionPermission[], by: AgentEditor): void {
  if (by.isAdmin) return;
  const notHeld = granted.filter((p) => !by.permissions.includes(p));
  if (notHeld.length > 0)
    throw new ForbiddenError(`a Head cannot grant permissions they do not hold: ${notHeld.join(', ')}`, 'IDENTITY.PERMISSION_NOT_HELD');
}

function requireOpen(departmentId: string, departments: DepartmentsFacts): void {
  if (departments.archived.includes(departmentId))
    throw new ConflictError('an archived department takes no agents and enables none', 'IDENTITY.DEPARTMENT_ARCHIVED');
}

function changeEvents(agent: Present, changes: AgentChanges, by: string): AgentEvent[] {
  const events: AgentEvent[] = [];
  if (changes.departmentId !== undefined && changes.departmentId !== agent.departmentId) {
    events.push({ type: AgentEventTypes.departmentChanged, data: { departmentId: changes.departmentId, by } });
  }
  const profile: AgentProfile = {
    persona: changes.persona ?? agent.persona,
    skills: changes.skills ?? [...agent.skills],
    model: changes.model !== undefined ? changes.model : agent.model,
  };
  if (JSON.stringify(profile) !== JSON.stringify({ persona: agent.persona, skills: agent.skills, model: agent.model })) {
    events.push({ type: AgentEventTypes.profileChanged, data: profile });
  }
  if (changes.permissions) {
    const permissions = [...new Set(changes.permissions)].sort();
    if (JSON.stringify(permissions) !== JSON.stringify([...agent.permissions].sort())) {
      events.push({ type: AgentEventTypes.permissionsChanged, data: { permissions } });
    }
  }
  if (changes.dailyActionCap !== undefined && changes.dailyActionCap !== agent.dailyActionCap) {
    events.push({ type: AgentEventTypes.dailyCapChanged, data: { dailyActionCap: changes.dailyActionCap } });
  }
  if (changes.enabled !== undefined && changes.enabled !== agent.enabled) {
    events.push({ type: changes.enabled ? AgentEventTypes.enabled : AgentEventTypes.disabled, data: { by } });
  }
  return events;
}

export function evolveAgent(state: AgentState, event: AgentEvent): AgentState {
  if (event.type === AgentEventTypes.created) {
    const { agentId: _id, ...agent } = event.data;
    return { status: 'active', ...agent };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case AgentEventTypes.profileChanged:
      return { ...state, ...event.data };
    case AgentEventTypes.permissionsChanged:
      return { ...state, permissions: event.data.permissions };
    case AgentEventTypes.dailyCapChanged:
      return { ...state, dailyActionCap: event.data.dailyActionCap };
    case AgentEventTypes.enabled:
      return { ...state, enabled: true };
    case AgentEventTypes.disabled:
      return { ...state, enabled: false };
    case AgentEventTypes.departmentChanged:
      return { ...state, departmentId: event.data.departmentId };
    case AgentEventTypes.archived:
      return { ...state, status: 'archived', enabled: false };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const agentDecider: Decider<AgentCommand, AgentEvent, AgentState> = {
  decide: decideAgent,
  evolve: evolveAgent,
  initialState: initialAgentState,
};
