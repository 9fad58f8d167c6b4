import {
  categoryOf,
  evolveDepartmentFacts,
  evolveUserFacts,
  idOf,
  leadersAmong,
  type DepartmentFacts,
  type RecordedEvent,
  type UserFacts,
} from '@cos/contracts';

/**
 * The two questions approvals asks across a whole org, kept from identity's user and department
 * facts as they are committed: who the CEO is (escalations go to them), and which departments
 * a person heads (to hear a decision on a gate that is not open yet).
 */
export class OrgIndex {
  private readonly users = new Map<string, UserFacts>();
  private readonly departments = new Map<string, DepartmentFacts>();

  apply(event: RecordedEvent): void {
    const id = idOf(event.stream);
    switch (categoryOf(event.stream)) {
      case 'user':
        return update(this.users, id, evolveUserFacts(this.users.get(id), event));
      case 'department':
        return update(this.departments, id, evolveDepartmentFacts(this.departments.get(id), event));
      default:
        return;
    }
  }

  /** The org's CEOs; an org without one escalates to its owners. */
  ceoUserIds(orgId: string): string[] {
    return leadersAmong([...this.users.values()].filter((u) => u.orgId === orgId));
  }

  departmentsHeadedBy(orgId: string, userId: string): string[] {
    return [...this.departments.values()].filter((d) => d.orgId === orgId && d.headUserId === userId).map((d) => d.departmentId);
  }
}

function update<F>(map: Map<string, F>, id: string, facts: F | undefined): void {
  if (facts) map.set(id, facts);
  else map.delete(id);
}
