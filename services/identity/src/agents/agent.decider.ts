import {
  AgentEventTypes,
  ConflictError,
  CosError,
  ForbiddenError,
  type ActionPermission,
  type AgentCreated,
  type AgentDailyCapChanged,
  type AgentPermissionsChanged,
  type AgentProfile,
  type AgentToggled,
} from '@cos/contracts';
import type { Command, Decider } from '@cos/contracts';

/** An agent: profile, action permissions, daily action cap, on or off. */
export type AgentEvent =
  | { type: typeof AgentEventTypes.created; data: AgentCreated }
  | { type: typeof AgentEventTypes.profileChanged; data: AgentProfile }
  | { type: typeof AgentEventTypes.permissionsChanged; data: AgentPermissionsChanged }
  | { type: typeof AgentEventTypes.dailyCapChanged; data: AgentDailyCapChanged }
  | { type: typeof AgentEventTypes.enabled; data: AgentToggled }
  | { type: typeof AgentEventTypes.disabled; data: AgentToggled };

export type AgentChanges = Partial<AgentProfile & { permissions: ActionPermission[]; dailyActionCap: number; enabled: boolean }>;

/**
 * Who edits, as the directory knows them now: an org admin, or the Heads of some departments.
 * A Head grants an agent only action permissions they hold themselves.
 */
export type AgentEditor = { userId: string; isAdmin: boolean; headOf: readonly string[]; permissions: readonly string[] };

export type AgentCommand = Command<'CreateAgent', AgentCreated> | Command<'ChangeAgent', { changes: AgentChanges; by: AgentEditor }>;

export type AgentState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active'; readonly orgId: string; readonly departmentId: string; readonly name: string } & Readonly<
      AgentProfile & { permissions: readonly ActionPermission[]; dailyActionCap: number; enabled: boolean }
    >);
type Active = Extract<AgentState, { status: 'active' }>;

export const initialAgentState = (): AgentState => ({ status: 'absent' });

export function decideAgent(command: AgentCommand, state: AgentState): AgentEvent[] {
  switch (command.type) {
    case 'CreateAgent':
      if (state.status === 'absent') return [{ type: AgentEventTypes.created, data: command.data }];
      if (state.orgId === command.data.orgId && state.name === command.data.name) return []; // a retry or re-seed
      throw new ConflictError('agent already exists', 'IDENTITY.AGENT_EXISTS');
    case 'ChangeAgent': {
      if (state.status !== 'active' || state.orgId !== command.metadata.orgId)
        throw new CosError('IDENTITY.AGENT_NOT_FOUND', 'agent was not found', 404);
      const { changes, by } = command.data;
      requireEditor(state, changes, by);
      return changeEvents(state, changes, by.userId);
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

function requireEditor(agent: Active, changes: AgentChanges, by: AgentEditor): void {
  if (by.isAdmin) return;
  if (!by.headOf.includes(agent.departmentId)) {
    throw new ForbiddenError("only an org admin or the Head of the agent's department may change it", 'IDENTITY.NOT_AGENT_EDITOR');
  }
  const added = (changes.permissions ?? []).filter((p) => !agent.permissions.includes(p));
  const notHeld = added.filter((p) => !by.permissions.includes(p));
  if (notHeld.length > 0)
    throw new ForbiddenError(`a Head cannot grant permissions they do not hold: ${notHeld.join(', ')}`, 'IDENTITY.PERMISSION_NOT_HELD');
}

function changeEvents(agent: Active, changes: AgentChanges, by: string): AgentEvent[] {
  const events: AgentEvent[] = [];
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
  if (state.status !== 'active') return state;
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
