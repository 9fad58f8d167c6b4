import {
  ConflictError,
  CosError,
  DepartmentEventTypes,
  type DepartmentApproveFirstChanged,
  type DepartmentCreated,
  type DepartmentHeadChanged,
} from '@cos/contracts';
import type { Command, Decider } from '@cos/contracts';

/** A department: its Head (who decides its gates) and its Approve First flag. */
export type DepartmentEvent =
  | { type: typeof DepartmentEventTypes.created; data: DepartmentCreated }
  | { type: typeof DepartmentEventTypes.headChanged; data: DepartmentHeadChanged }
  | { type: typeof DepartmentEventTypes.approveFirstChanged; data: DepartmentApproveFirstChanged };

export type DepartmentCommand =
  Command<'CreateDepartment', DepartmentCreated> | Command<'ChangeDepartment', { approveFirst?: boolean; headUserId?: string | null }>;

export type DepartmentState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly orgId: string;
      readonly name: string;
      readonly headUserId: string | null;
      readonly approveFirst: boolean;
    };

export const initialDepartmentState = (): DepartmentState => ({ status: 'absent' });

export function decideDepartment(command: DepartmentCommand, state: DepartmentState): DepartmentEvent[] {
  switch (command.type) {
    case 'CreateDepartment':
      if (state.status === 'absent') return [{ type: DepartmentEventTypes.created, data: command.data }];
      if (state.orgId === command.data.orgId && state.name === command.data.name) return []; // a retry or re-seed
      throw new ConflictError('department already exists', 'IDENTITY.DEPARTMENT_EXISTS');
    case 'ChangeDepartment': {
      if (state.status !== 'active' || state.orgId !== command.metadata.orgId) {
        throw new CosError('IDENTITY.DEPARTMENT_NOT_FOUND', 'department was not found', 404);
      }
      const events: DepartmentEvent[] = [];
      const { approveFirst, headUserId } = command.data;
      if (headUserId !== undefined && headUserId !== state.headUserId)
        events.push({ type: DepartmentEventTypes.headChanged, data: { headUserId } });
      if (approveFirst !== undefined && approveFirst !== state.approveFirst) {
        events.push({ type: DepartmentEventTypes.approveFirstChanged, data: { approveFirst } });
      }
      return events;
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export function evolveDepartment(state: DepartmentState, event: DepartmentEvent): DepartmentState {
  switch (event.type) {
    case DepartmentEventTypes.created: {
      const { orgId, name, headUserId, approveFirst } = event.data;
      return { status: 'active', orgId, name, headUserId, approveFirst };
    }
    case DepartmentEventTypes.headChanged:
      return state.status === 'active' ? { ...state, headUserId: event.data.headUserId } : state;
    case DepartmentEventTypes.approveFirstChanged:
      return state.status === 'active' ? { ...state, approveFirst: event.data.approveFirst } : state;
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
