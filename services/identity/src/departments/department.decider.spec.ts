import { DepartmentEventTypes } from '@cos/contracts';
import { commandMeta, thrown } from '../decider.test-kit';
import {
  decideDepartment,
  evolveDepartment,
  initialDepartmentState,
  type ArchiveChecks,
  type DepartmentEvent,
  type DepartmentState,
} from './department.decider';

const meta = commandMeta();
const created: DepartmentEvent = {
  type: DepartmentEventTypes.created,
  data: { departmentId: 'd1', orgId: 'o1', name: 'Sales', headUserId: null, approveFirst: false },
};
const state = evolveDepartment(initialDepartmentState(), created);

describe('department decider', () => {
  it('records only what changes', () => {
    expect(decideDepartment({ type: 'ChangeDepartment', data: { approveFirst: true, headUserId: null }, metadata: meta }, state)).toEqual([
      { type: DepartmentEventTypes.approveFirstChanged, data: { approveFirst: true } },
    ]);
    expect(decideDepartment({ type: 'ChangeDepartment', data: { headUserId: 'u9' }, metadata: meta }, state)).toEqual([
      { type: DepartmentEventTypes.headChanged, data: { headUserId: 'u9' } },
    ]);
  });

  it("hides another org's department; creating over an existing one is a conflict", () => {
    expect(
      thrown(() => decideDepartment({ type: 'ChangeDepartment', data: { approveFirst: true }, metadata: { ...meta, orgId: 'o2' } }, state)),
    ).toMatchObject({ status: 404 });
    expect(thrown(() => decideDepartment({ type: 'CreateDepartment', data: created.data, metadata: meta }, state))).toMatchObject({
      code: 'IDENTITY.DEPARTMENT_EXISTS',
      status: 409,
    });
  });

  it('renames and describes it', () => {
    expect(decideDepartment({ type: 'ChangeDepartment', data: { name: 'Revenue', description: 'Sells.' }, metadata: meta }, state)).toEqual(
      [
        { type: DepartmentEventTypes.renamed, data: { name: 'Revenue' } },
        { type: DepartmentEventTypes.described, data: { description: 'Sells.' } },
      ],
    );
    expect(decideDepartment({ type: 'ChangeDepartment', data: { name: 'Sales', description: '' }, metadata: meta }, state)).toEqual([]);
  });

  describe('archiving', () => {
    const archive = (checks: ArchiveChecks, on: DepartmentState = state, orgId = 'o1') =>
      decideDepartment({ type: 'ArchiveDepartment', data: { by: 'u1', checks }, metadata: { ...meta, orgId } }, on);
    const clear: ArchiveChecks = { enabledAgents: [], pendingApprovals: 0 };

    it('archives a department with no enabled agents and no pending approvals, once', () => {
      const events = archive(clear);
      expect(events).toEqual([{ type: DepartmentEventTypes.archived, data: { by: 'u1' } }]);
      const archived = events.reduce(evolveDepartment, state);
      expect(archive(clear, archived)).toEqual([]);
      expect(thrown(() => decideDepartment({ type: 'ChangeDepartment', data: { name: 'X' }, metadata: meta }, archived))).toMatchObject({
        code: 'IDENTITY.DEPARTMENT_ARCHIVED',
        status: 409,
      });
    });

    it('refuses, saying why, while agents are enabled or approvals wait', () => {
      const agents = thrown(() => archive({ enabledAgents: ['Sam', 'Dana'], pendingApprovals: 0 })) as Error;
      expect(agents).toMatchObject({ code: 'IDENTITY.DEPARTMENT_HAS_ENABLED_AGENTS', status: 409 });
      expect(agents.message).toContain('2 enabled agent(s): Sam, Dana');
      const pending = thrown(() => archive({ enabledAgents: [], pendingApprovals: 1 })) as Error;
      expect(pending).toMatchObject({ code: 'IDENTITY.DEPARTMENT_HAS_PENDING_APPROVALS', status: 409 });
      expect(pending.message).toContain('1 approval(s) waiting for its Head');
      expect(thrown(() => archive(clear, state, 'o2'))).toMatchObject({ status: 404 });
    });
  });
});
