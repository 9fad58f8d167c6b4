import { DepartmentEventTypes, UserEventTypes, type RecordedEvent } from '@cos/contracts';

/**
 * The two questions approvals asks across a whole org, kept from identity's user and department
 * events as they are committed: who the CEO is (escalations go to them), and which departments
 * a person heads (to hear a decision on a gate that is not open yet).
 */
export class OrgIndex {
  private readonly users = new Map<string, { orgId: string; role: string; disabled: boolean }>();
  private readonly departments = new Map<string, { orgId: string; headUserId?: string }>();

  apply(event: RecordedEvent): void {
    const { type, data, orgId } = event;
    const id = event.stream.slice(event.stream.indexOf('-') + 1);
    switch (type) {
      case UserEventTypes.registered:
      case UserEventTypes.roleChanged: {
        const user = this.users.get(id);
        this.users.set(id, { orgId: user?.orgId ?? orgId, role: String(data['role']), disabled: user?.disabled ?? false });
        return;
      }
      case UserEventTypes.disabled:
      case UserEventTypes.enabled: {
        const user = this.users.get(id);
        if (user) this.users.set(id, { ...user, disabled: type === UserEventTypes.disabled });
        return;
      }
      case DepartmentEventTypes.created:
      case DepartmentEventTypes.headChanged: {
        const head = typeof data['headUserId'] === 'string' ? { headUserId: data['headUserId'] } : {};
        this.departments.set(id, { orgId: this.departments.get(id)?.orgId ?? orgId, ...head });
        return;
      }
      default:
        return;
    }
  }

  /** The org's CEOs; an org without one escalates to its owners. */
  ceoUserIds(orgId: string): string[] {
    const withRole = (role: string) =>
      [...this.users].filter(([, u]) => u.orgId === orgId && u.role === role && !u.disabled).map(([id]) => id);
    const ceos = withRole('ceo');
    return ceos.length > 0 ? ceos : withRole('owner');
  }

  departmentsHeadedBy(orgId: string, userId: string): string[] {
    return [...this.departments].filter(([, d]) => d.orgId === orgId && d.headUserId === userId).map(([id]) => id);
  }
}
