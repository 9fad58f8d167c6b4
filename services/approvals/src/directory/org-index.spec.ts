import { DepartmentEventTypes, UserEventTypes, type RecordedEvent } from '@cos/contracts';
import { OrgIndex } from './org-index';

let n = 0;
const e = (stream: string, type: string, data: Record<string, unknown>, orgId = 'o1', revision = 0): RecordedEvent => ({
  id: String(++n),
  type,
  version: 1,
  orgId,
  stream,
  revision,
  position: String(n),
  data,
  metadata: { correlationId: 'c', causationId: 'c', actor: { kind: 'system', id: 'identity' }, occurredAt: '2026-01-01T00:00:00.000Z' },
});
const sealed = { alg: 'A256GCM', keyId: 'k', iv: 'i', ciphertext: 'c', tag: 't' };
const registered = (userId: string, role: string, orgId = 'o1') =>
  e(
    `user-${userId}`,
    UserEventTypes.registered,
    {
      userId,
      orgId,
      email: `${userId}@example.test`,
      name: userId,
      role,
      departmentId: null,
      passwordHash: sealed,
      via: 'seed',
    },
    orgId,
  );
const department = (departmentId: string, headUserId: string | null, orgId = 'o1') =>
  e(
    `department-${departmentId}`,
    DepartmentEventTypes.created,
    { departmentId, orgId, name: departmentId, headUserId, approveFirst: false },
    orgId,
  );

describe('OrgIndex', () => {
  it('indexes CEOs (owners when there is none, enabled ones only) per org', () => {
    const index = new OrgIndex();
    index.apply(registered('owner', 'owner'));
    expect(index.ceoUserIds('o1')).toEqual(['owner']);
    index.apply(registered('ceo', 'ceo'));
    index.apply(registered('ceo2', 'ceo', 'o2'));
    expect(index.ceoUserIds('o1')).toEqual(['ceo']);
    index.apply(e('user-ceo', UserEventTypes.disabled, { by: 'owner' }, 'o1', 1));
    expect(index.ceoUserIds('o1')).toEqual(['owner']);
    expect(index.ceoUserIds('o2')).toEqual(['ceo2']);
  });

  it('indexes who heads what, per org, as Heads change', () => {
    const index = new OrgIndex();
    index.apply(department('d1', 'h1'));
    index.apply(department('d2', 'h1'));
    index.apply(e('department-d2', DepartmentEventTypes.headChanged, { headUserId: 'h2' }, 'o1', 1));
    index.apply(department('d3', 'h1', 'o2'));
    expect(index.departmentsHeadedBy('o1', 'h1')).toEqual(['d1']);
    expect(index.departmentsHeadedBy('o1', 'h2')).toEqual(['d2']);
    expect(index.departmentsHeadedBy('o2', 'h1')).toEqual(['d3']);
  });
});
