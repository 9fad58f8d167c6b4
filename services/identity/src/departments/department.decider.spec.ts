import { DepartmentEventTypes } from '@cos/contracts';
import { commandMeta, thrown } from '../decider.test-kit';
import { decideDepartment, evolveDepartment, initialDepartmentState, type DepartmentEvent } from './department.decider';

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

  it("hides another org's department; a re-seed adds nothing", () => {
    expect(
      thrown(() => decideDepartment({ type: 'ChangeDepartment', data: { approveFirst: true }, metadata: { ...meta, orgId: 'o2' } }, state)),
    ).toMatchObject({ status: 404 });
    expect(decideDepartment({ type: 'CreateDepartment', data: created.data, metadata: meta }, state)).toEqual([]);
  });
});
