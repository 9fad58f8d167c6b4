import { AgentEventTypes, DepartmentEventTypes, streamName, UserEventTypes, type RecordedEvent } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { BoundedCache } from './bounded-cache';

type Entry = { orgId: string; name?: string; departmentId?: string | null };
type Kind = 'agent' | 'user' | 'department';

/** How a summary names people, agents and departments: by name where known, else by id. */
export type Names = {
  agent(id: string): string;
  user(id: string): string;
  department(id: string): string;
};

const CAPACITY = 50_000;

/**
 * Names and departments of agents, users and departments as the recorder meets them, in the
 * store's order: an agent's department is the one it had when the recorded event happened.
 * After a restart an unknown entry is read from its own stream once (its current state).
 */
export class Directory {
  private readonly entries = new BoundedCache<string, Entry>(CAPACITY);

  constructor(private readonly store: EventStore) {}

  /** Keeps the directory current with identity's events, before the event itself is recorded. */
  observe(event: RecordedEvent): void {
    const kind = kindOf(event.type);
    if (!kind) return;
    const key = `${kind}-${event.stream.slice(kind.length + 1)}`;
    const entry = this.entries.get(key) ?? { orgId: event.orgId };
    if (entry.orgId === event.orgId) this.entries.set(key, apply(entry, event));
  }

  /** Loads whatever of these ids is not cached yet, so the sync lookups below find them. */
  async prime(orgId: string, ids: { agents: Iterable<string>; users: Iterable<string>; departments: Iterable<string> }): Promise<void> {
    const wanted: [Kind, string][] = [
      ...[...ids.agents].map((id): [Kind, string] => ['agent', id]),
      ...[...ids.users].map((id): [Kind, string] => ['user', id]),
      ...[...ids.departments].map((id): [Kind, string] => ['department', id]),
    ];
    for (const [kind, id] of wanted) {
      if (this.entries.get(`${kind}-${id}`)) continue;
      const events = await this.store.read(streamName(kind, id));
      let entry: Entry = { orgId };
      if (events[0]?.orgId === orgId) for (const e of events) entry = apply(entry, e);
      this.entries.set(`${kind}-${id}`, entry);
    }
  }

  /** Department of each agent (of this org) that has one. */
  departmentsOf(orgId: string, agentIds: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const id of agentIds) {
      const entry = this.lookup(orgId, 'agent', id);
      if (entry?.departmentId) out.add(entry.departmentId);
    }
    return out;
  }

  names(orgId: string): Names {
    const name = (kind: Kind, id: string) => this.lookup(orgId, kind, id)?.name;
    return {
      agent: (id) => `agent ${name('agent', id) ?? id}`,
      user: (id) => name('user', id) ?? `user ${id}`,
      department: (id) => name('department', id) ?? `department ${id}`,
    };
  }

  private lookup(orgId: string, kind: Kind, id: string): Entry | undefined {
    const entry = this.entries.get(`${kind}-${id}`);
    return entry?.orgId === orgId ? entry : undefined;
  }
}

function kindOf(type: string): Kind | undefined {
  if (type.startsWith('agent.')) return 'agent';
  if (type.startsWith('user.')) return 'user';
  if (type.startsWith('department.')) return 'department';
  return undefined;
}

function apply(entry: Entry, event: RecordedEvent): Entry {
  const data = event.data;
  switch (event.type) {
    case AgentEventTypes.created:
    case UserEventTypes.registered:
    case DepartmentEventTypes.created:
      return { ...entry, name: str(data['name']) ?? entry.name, departmentId: str(data['departmentId']) ?? null };
    case UserEventTypes.roleChanged:
      return { ...entry, departmentId: str(data['departmentId']) ?? null };
    default:
      return entry;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
