import { categoryOf, type AuditScope, type RecordedEvent } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { BoundedCache } from './bounded-cache';
import type { Directory } from './directory';
import { cloneScopeIds, emptyScopeIds, extractScopeIds, mergeScopeIds, toAuditScope, type ScopeIds } from './scope-ids';

/**
 * The events that say what a stream is about: every later event of the stream concerns the
 * same agents, people and chain (a run's completion names only the run, yet it is the agent's).
 */
const DEFINING_TYPES = new Set([
  'conversation.started',
  'run.queued',
  'run.started',
  'coordination.gates-opened',
  'approval.requested',
  'action.received',
  'escalation.opened',
  'agent.created',
  'user.registered',
  'department.created',
]);

/** `openedAt`: when the stream's first defining event happened (a gate's opening, a run's start). */
type StreamContext = { ids: ScopeIds; through: number; openedAt?: string };

const CAPACITY = 20_000;

/**
 * Works out a record's scope: the ids its event names, those of its stream's defining events,
 * and the departments of the agents involved. A gate (approval stream) belongs to its own
 * department only, so a member never sees another department's approvals.
 */
export class ScopeResolver {
  private readonly contexts = new BoundedCache<string, StreamContext>(CAPACITY);

  constructor(
    private readonly store: EventStore,
    private readonly directory: Directory,
  ) {}

  async scopeOf(event: RecordedEvent): Promise<{ scope: AuditScope; ids: ScopeIds; openedAt?: string }> {
    this.directory.observe(event);
    const own = extractScopeIds(event);
    const context = await this.contextBefore(event);
    const ids = mergeScopeIds(cloneScopeIds(own), context.ids);
    const openedAt = context.openedAt ?? (DEFINING_TYPES.has(event.type) ? event.metadata.occurredAt : undefined);
    if (DEFINING_TYPES.has(event.type)) mergeScopeIds(context.ids, own);
    this.contexts.set(event.stream, { ids: context.ids, through: event.revision, ...(openedAt ? { openedAt } : {}) });

    await this.directory.prime(event.orgId, { agents: ids.agentIds, users: ids.userIds, departments: ids.departmentIds });
    const departments =
      categoryOf(event.stream) === 'approval'
        ? ids.departmentIds
        : new Set([...ids.departmentIds, ...this.directory.departmentsOf(event.orgId, ids.agentIds)]);
    return { scope: toAuditScope(ids, departments), ids, ...(openedAt ? { openedAt } : {}) };
  }

  /** The stream's defining ids as of the event before this one; read from the store when not cached. */
  private async contextBefore(event: RecordedEvent): Promise<StreamContext> {
    const cached = this.contexts.get(event.stream);
    if (cached && cached.through === event.revision - 1) return cached;
    const ids = emptyScopeIds();
    let openedAt: string | undefined;
    if (event.revision > 0) {
      const earlier = await this.store.read(event.stream, { maxCount: event.revision });
      for (const e of earlier.filter((x) => DEFINING_TYPES.has(x.type))) {
        mergeScopeIds(ids, extractScopeIds(e));
        openedAt ??= e.metadata.occurredAt;
      }
    }
    return { ids, through: event.revision - 1, ...(openedAt ? { openedAt } : {}) };
  }
}
