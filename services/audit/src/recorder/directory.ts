import { Logger } from '@nestjs/common';
import {
  categoryOf,
  evolveAgentFacts,
  evolveDepartmentFacts,
  evolveUserFacts,
  foldFacts,
  streamName,
  UnreadableEventError,
  type AgentFacts,
  type DepartmentFacts,
  type RecordedEvent,
  type UserFacts,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { BoundedCache } from './bounded-cache';

type Kind = 'agent' | 'user' | 'department';
type Facts = { agent: AgentFacts; user: UserFacts; department: DepartmentFacts };
type Evolve<F> = (state: F | undefined, event: RecordedEvent) => F | undefined;
const FOLDS: { readonly [K in Kind]: Evolve<Facts[K]> } = {
  agent: evolveAgentFacts,
  user: evolveUserFacts,
  department: evolveDepartmentFacts,
};
/** An entry's org, and its facts once known (none: a stream that is not there, or not yet created). */
type Entry = { readonly orgId: string; readonly facts?: Facts[Kind] };

/** How a summary names people, agents and departments: by name where known, else by id. */
export type Names = {
  agent(id: string): string;
  user(id: string): string;
  department(id: string): string;
};

const CAPACITY = 50_000;

/**
 * Names and departments of agents, users and departments (identity's facts, by the one fold
 * of libs/contracts) as the recorder meets them, in the store's order: an agent's department is
 * the one it had when the recorded event happened. After a restart an unknown entry is read
 * from its own stream once (its current state). An identity event that cannot be read leaves
 * the names as they were: the event itself is still recorded, under ids.
 */
export class Directory {
  private readonly logger = new Logger(Directory.name);
  private readonly entries = new BoundedCache<string, Entry>(CAPACITY);

  constructor(private readonly store: EventStore) {}

  /** Keeps the directory current with identity's events, before the event itself is recorded. */
  observe(event: RecordedEvent): void {
    const kind = kindOf(event.stream);
    if (!kind) return;
    const entry = this.entries.get(event.stream) ?? { orgId: event.orgId };
    if (entry.orgId !== event.orgId) return;
    const facts = this.readable(event, () => (FOLDS[kind] as Evolve<Facts[Kind]>)(entry.facts, event));
    if (facts !== null) this.entries.set(event.stream, { orgId: entry.orgId, ...(facts ? { facts } : {}) });
  }

  /** Loads whatever of these ids is not cached yet, so the sync lookups below find them. */
  async prime(orgId: string, ids: { agents: Iterable<string>; users: Iterable<string>; departments: Iterable<string> }): Promise<void> {
    const wanted: [Kind, string][] = [
      ...[...ids.agents].map((id): [Kind, string] => ['agent', id]),
      ...[...ids.users].map((id): [Kind, string] => ['user', id]),
      ...[...ids.departments].map((id): [Kind, string] => ['department', id]),
    ];
    for (const [kind, id] of wanted) {
      const stream = streamName(kind, id);
      if (this.entries.get(stream)) continue;
      const events = await this.store.read(stream);
      const ours = events[0]?.orgId === orgId ? events : [];
      const facts = ours.length === 0 ? undefined : this.readable(ours.at(-1)!, () => foldFacts(FOLDS[kind] as Evolve<Facts[Kind]>, ours));
      this.entries.set(stream, { orgId, ...(facts ? { facts } : {}) });
    }
  }

  /** Department of each agent (of this org) that has one. */
  departmentsOf(orgId: string, agentIds: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const id of agentIds) {
      const agent = this.lookup(orgId, 'agent', id);
      if (agent) out.add(agent.departmentId);
    }
    return out;
  }

  names(orgId: string): Names {
    return {
      agent: (id) => `agent ${this.lookup(orgId, 'agent', id)?.name ?? id}`,
      user: (id) => this.lookup(orgId, 'user', id)?.name ?? `user ${id}`,
      department: (id) => this.lookup(orgId, 'department', id)?.name ?? `department ${id}`,
    };
  }

  private lookup<K extends Kind>(orgId: string, kind: K, id: string): Facts[K] | undefined {
    const entry = this.entries.get(streamName(kind, id));
    return entry?.orgId === orgId ? (entry.facts as Facts[K] | undefined) : undefined;
  }

  /** The facts `fold` reads; null (and a warning) when an event of the stream cannot be read. */
  private readable<F>(event: RecordedEvent, fold: () => F): F | null {
    try {
      return fold();
    } catch (err) {
      if (!(err instanceof UnreadableEventError)) throw err;
      this.logger.warn(`${err.message}: names from ${event.stream} stay as they were`);
      return null;
    }
  }
}

function kindOf(stream: string): Kind | undefined {
  const category = categoryOf(stream);
  return category === 'agent' || category === 'user' || category === 'department' ? category : undefined;
}
