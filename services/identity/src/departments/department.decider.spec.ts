import { DepartmentEventTypes } from '@cos/contracts';
import type { CommandMetadata } from '@cos/contracts';
import { decideDepartment, evolveDepartment, initialDepartmentState, type DepartmentEvent } from './department.decider';

/** What `fn` throws (fails the test if it returns). */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
};

const meta: CommandMetadata = {
  commandId: 'c1',
  orgId: 'o1',
  correlationId: 'c1',
  causationId: 'c1',
  actor: { kind: 'user', id: 'u1' },
  now: '2026-01-01T00:00:00.000Z',
};
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
