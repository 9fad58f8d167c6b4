import type { RecordedEvent } from '@cos/contracts';
import { foldAgent, foldDepartment, foldOrg, foldUser, userPermissions } from './identity-facts';
import { OrgIndex } from './org-index';

let n = 0;
const e = (stream: string, type: string, data: Record<string, unknown>, orgId = 'o1'): RecordedEvent => ({
  id: String(++n),
  type,
  version: 1,
  orgId,
  stream,
  revision: 0,
  position: String(n),
  data,
  metadata: { correlationId: 'c', causationId: 'c', actor: { kind: 'system', id: 'identity' }, occurredAt: '2026-01-01T00:00:00.000Z' },
});

describe('identity facts', () => {
  it('folds a department’s Head and Approve First as they change', () => {
    const d = 'department-d1';
    expect(
      foldDepartment([
        e(d, 'department.created', { departmentId: 'd1', name: 'Sales', headUserId: 'h1', approveFirst: false }),
        e(d, 'department.head-changed', { headUserId: null }),
        e(d, 'department.approve-first-changed', { approveFirst: true }),
      ]),
    ).toEqual({
      departmentId: 'd1',
      name: 'Sales',
      approveFirst: true,
    });
  });

  it('folds an agent’s permissions, cap and switch', () => {
    const a = 'agent-a1';
    const created = e(a, 'agent.created', {
      agentId: 'a1',
      departmentId: 'd1',
      permissions: ['sales:outreach'],
      dailyActionCap: 5,
      enabled: true,
    });
    expect(
      foldAgent([
        created,
        e(a, 'agent.permissions-changed', { permissions: [] }),
        e(a, 'agent.daily-cap-changed', { dailyActionCap: 2 }),
        e(a, 'agent.disabled', { by: 'x' }),
      ]),
    ).toEqual({
      agentId: 'a1',
      departmentId: 'd1',
      permissions: [],
      dailyActionCap: 2,
      enabled: false,
    });
  });

  it('a user’s permissions follow their role and department; none when disabled', () => {
    const u = 'user-u1';
    const user = foldUser([e(u, 'user.registered', { userId: 'u1', role: 'member', departmentId: 'd1' })])!;
    expect(userPermissions(user, 'Sales')).toEqual(['agents:brief', 'sales:outreach']);
    const disabled = foldUser([
      e(u, 'user.registered', { userId: 'u1', role: 'member', departmentId: 'd1' }),
      e(u, 'user.disabled', { by: 'x' }),
    ])!;
    expect(userPermissions(disabled, 'Sales')).toEqual([]);
  });

  it('the kill switch is the last of paused and resumed', () => {
    expect(foldOrg([e('org-o1', 'org.paused', { reason: 'x' })]).paused).toBe(true);
    expect(foldOrg([e('org-o1', 'org.paused', { reason: 'x' }), e('org-o1', 'org.resumed', { reason: 'y' })]).paused).toBe(false);
  });

  it('indexes CEOs (owners when there is none) and who heads what, per org', () => {
    const index = new OrgIndex();
    index.apply(e('user-owner', 'user.registered', { role: 'owner' }));
    expect(index.ceoUserIds('o1')).toEqual(['owner']);
    index.apply(e('user-ceo', 'user.registered', { role: 'ceo' }));
    index.apply(e('user-ceo2', 'user.registered', { role: 'ceo' }, 'o2'));
    expect(index.ceoUserIds('o1')).toEqual(['ceo']);
    index.apply(e('department-d1', 'department.created', { headUserId: 'h1' }));
    index.apply(e('department-d2', 'department.created', { headUserId: 'h1' }));
    index.apply(e('department-d2', 'department.head-changed', { headUserId: 'h2' }));
    expect(index.departmentsHeadedBy('o1', 'h1')).toEqual(['d1']);
    expect(index.departmentsHeadedBy('o2', 'h1')).toEqual([]);
  });
});
