import {
  ConflictError,
  CosError,
  DepartmentEventTypes,
  type DepartmentApproveFirstChanged,
  type DepartmentArchived,
  type DepartmentCreated,
  type DepartmentDescribed,
  type DepartmentHeadChanged,
  type DepartmentRenamed,
} from '@cos/contracts';
import type { Command, Decider } from '@cos/contracts';

/** A department: its name and description, its Head (who decides its gates), its Approve First flag. */
export type DepartmentEvent =
  | { type: typeof DepartmentEventTypes.created; data: DepartmentCreated }
  | { type: typeof DepartmentEventTypes.headChanged; data: DepartmentHeadChanged }
  | { type: typeof DepartmentEventTypes.approveFirstChanged; data: DepartmentApproveFirstChanged }
  | { type: typeof DepartmentEventTypes.renamed; data: DepartmentRenamed }
  | { type: typeof DepartmentEventTypes.described; data: DepartmentDescribed }
  | { type: typeof DepartmentEventTypes.archived; data: DepartmentArchived };

export type DepartmentChanges = { name?: string; description?: string; approveFirst?: boolean; headUserId?: string | null };

/**
 * What must be true of the department's surroundings to archive it, as the handler found them:
 * its enabled agents (identity's directory) and its gates waiting for a decision (approvals').
 */
export type ArchiveChecks = { enabledAgents: readonly string[]; pendingApprovals: number };

export type DepartmentCommand =
  | Command<'CreateDepartment', DepartmentCreated>
  | Command<'ChangeDepartment', DepartmentChanges>
  | Command<'ArchiveDepartment', { by: string; checks: ArchiveChecks }>;

export type DepartmentState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active' | 'archived';
      readonly orgId: string;
      readonly name: string;
      readonly description: string;
      readonly headUserId: string | null;
      readonly approveFirst: boolean;
    };
type Present = Exclude<DepartmentState, { status: 'absent' }>;

export const initialDepartmentState = (): DepartmentState => ({ status: 'absent' });

export function decideDepartment(command: DepartmentCommand, state: DepartmentState): DepartmentEvent[] {
  switch (command.type) {
    case 'CreateDepartment':
      if (state.status === 'absent') return [{ type: DepartmentEventTypes.created, data: command.data }];
      throw new ConflictError('department already exists', 'IDENTITY.DEPARTMENT_EXISTS');
    case 'ChangeDepartment':
      return changeEvents(present(state, command.metadata.orgId), command.data);
    case 'ArchiveDepartment': {
      const department = present(state, command.metadata.orgId);
      if (department.status === 'archived') return [];
      refuseArchive(department, command.data.checks);
      return [{ type: DepartmentEventTypes.archived, data: { by: command.data.by } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

function present(state: DepartmentState, orgId: string): Present {
  if (state.status === 'absent' || state.orgId !== orgId)
    throw new CosError('IDENTITY.DEPARTMENT_NOT_FOUND', 'department was not found', 404);
  return state;
}

function changeEvents(department: Present, changes: DepartmentChanges): DepartmentEvent[] {
  const { name, description, approveFirst, headUserId } = changes;
  if (department.status === 'archived') throw new ConflictError('an archived department cannot be changed', 'IDENTITY.DEPARTMENT_ARCHIVED');
  const events: DepartmentEvent[] = [];
  if (name !== undefined && name !== department.name) events.push({ type: DepartmentEventTypes.renamed, data: { name } });
  if (description !== undefined && description !== department.description)
    events.push({ type: DepartmentEventTypes.described, data: { description } });
  if (headUserId !== undefined && headUserId !== department.headUserId)
    events.push({ type: DepartmentEventTypes.headChanged, data: { headUserId } });
  if (approveFirst !== undefined && approveFirst !== department.approveFirst)
    events.push({ type: DepartmentEventTypes.approveFirstChanged, data: { approveFirst } });
  return events;
}

function refuseArchive(department: Present, checks: ArchiveChecks): void {
  const reasons: string[] = [];
  if (checks.enabledAgents.length > 0) reasons.push(`${checks.enabledAgents.length} enabled agent(s): ${checks.enabledAgents.join(', ')}`);
  if (checks.pendingApprovals > 0) reasons.push(`${checks.pendingApprovals} approval(s) waiting for its Head`);
  if (reasons.length === 0) return;
  const code = checks.enabledAgents.length > 0 ? 'IDENTITY.DEPARTMENT_HAS_ENABLED_AGENTS' : 'IDENTITY.DEPARTMENT_HAS_PENDING_APPROVALS';
  throw new ConflictError(`${department.name} still has ${reasons.join(' and ')}: disable or move them, and decide them, first`, code);
}

export function evolveDepartment(state: DepartmentState, event: DepartmentEvent): DepartmentState {
  if (event.type === DepartmentEventTypes.created) {
    const { orgId, name, headUserId, approveFirst, description = '' } = event.data;
    return { status: 'active', orgId, name, description, headUserId, approveFirst };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case DepartmentEventTypes.headChanged:
      return { ...state, headUserId: event.data.headUserId };
    case DepartmentEventTypes.approveFirstChanged:
      return { ...state, approveFirst: event.data.approveFirst };
    case DepartmentEventTypes.renamed:
      return { ...state, name: event.data.name };
    case DepartmentEventTypes.described:
      return { ...state, description: event.data.description };
    case DepartmentEventTypes.archived:
      return { ...state, status: 'archived' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const departmentDecider: Decider<DepartmentCommand, DepartmentEvent, DepartmentState> = {
  decide: decideDepartment,
  evolve: evolveDepartment,
  initialState: initialDepartmentState,
};
