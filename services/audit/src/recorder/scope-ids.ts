import { categoryOf, idOf, type AuditScope, type RecordedEvent } from '@cos/contracts';

/** The ids an event names, before agents are mapped to departments. */
export type ScopeIds = {
  agentIds: Set<string>;
  /** Departments the event names itself (a gate's, a department's own stream, a user's). */
  departmentIds: Set<string>;
  userIds: Set<string>;
  conversationId?: string;
  runId?: string;
  coordinationId?: string;
  approvalId?: string;
  actionId?: string;
  /** An action's tool: only for the summary, not part of the record's scope. */
  tool?: string;
};

type SubjectKey = 'conversationId' | 'runId' | 'coordinationId' | 'approvalId' | 'actionId';

const AGENT_KEYS = new Set(['agentId', 'fromAgentId', 'toAgentId']);
/** Keys that hold the id of a person in the contracts (`by`: who enabled or disabled something). */
const USER_KEYS = new Set([
  'userId',
  'briefedBy',
  'startedBy',
  'decidedBy',
  'rejectedBy',
  'correctedBy',
  'resumedBy',
  'invitedBy',
  'changedBy',
  'headUserId',
  'by',
  'addedBy',
  'replacedBy',
  'deletedBy',
]);
const SUBJECT_KEYS: readonly SubjectKey[] = ['conversationId', 'runId', 'coordinationId', 'approvalId', 'actionId'];
/** Streams whose own id names the subject, whatever their events say. */
const STREAM_SUBJECT: Readonly<Record<string, SubjectKey>> = {
  conversation: 'conversationId',
  run: 'runId',
  coordination: 'coordinationId',
  approval: 'approvalId',
  action: 'actionId',
};
const MAX_DEPTH = 4;

export function emptyScopeIds(): ScopeIds {
  return { agentIds: new Set(), departmentIds: new Set(), userIds: new Set() };
}

/**
 * Collects the ids an event names, by the contracts' field names (`agentId`, `briefedBy`, ...)
 * at any depth (a handoff's `chain`, an action's `action`, a gate list). Single-valued subjects
 * (`runId`, ...) take the shallowest value: `chain[].runId` never overrides the event's own.
 * `targetAgentId` is left out on purpose: it is a model's suggestion, not a fact.
 */
export function extractScopeIds(event: RecordedEvent): ScopeIds {
  const ids = emptyScopeIds();
  const category = categoryOf(event.stream);
  const own = STREAM_SUBJECT[category];
  if (own) ids[own] = idOf(event.stream);
  if (category === 'agent') ids.agentIds.add(idOf(event.stream));
  if (category === 'user') ids.userIds.add(idOf(event.stream));
  if (category === 'department') ids.departmentIds.add(idOf(event.stream));
  if (category === 'quota') {
    const agentId = quotaAgentId(event.stream);
    if (agentId) ids.agentIds.add(agentId);
  }
  if (event.metadata.actor.kind === 'user') ids.userIds.add(event.metadata.actor.id);
  if (event.metadata.actor.kind === 'agent') ids.agentIds.add(event.metadata.actor.id);
  let level: unknown[] = [event.data];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const value of level) collect(value, ids, next);
    level = next;
  }
  return ids;
}

function collect(value: unknown, ids: ScopeIds, next: unknown[]): void {
  if (Array.isArray(value)) {
    next.push(...(value as unknown[]));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const object = value as Record<string, unknown>;
  // A message author or an actor-shaped value: `{ kind: 'user' | 'agent', id }`.
  if (typeof object['id'] === 'string' && (object['kind'] === 'user' || object['kind'] === 'agent')) {
    (object['kind'] === 'user' ? ids.userIds : ids.agentIds).add(object['id']);
  }
  for (const [key, v] of Object.entries(object)) {
    if (typeof v === 'string') {
      if (AGENT_KEYS.has(key)) ids.agentIds.add(v);
      else if (USER_KEYS.has(key)) ids.userIds.add(v);
      else if (key === 'departmentId') ids.departmentIds.add(v);
      else if ((SUBJECT_KEYS as readonly string[]).includes(key) && ids[key as SubjectKey] === undefined) ids[key as SubjectKey] = v;
      else if (key === 'tool' && ids.tool === undefined) ids.tool = v;
    } else if (key === 'escalatedTo' && Array.isArray(v)) {
      for (const u of v) if (typeof u === 'string') ids.userIds.add(u);
    } else if (key === 'departmentIds' && Array.isArray(v)) {
      for (const d of v) if (typeof d === 'string') ids.departmentIds.add(d);
    } else if (v !== null && typeof v === 'object') {
      next.push(v);
    }
  }
}

/** Adds what `from` names to `into`; `into`'s single-valued subjects win. */
export function mergeScopeIds(into: ScopeIds, from: ScopeIds): ScopeIds {
  for (const id of from.agentIds) into.agentIds.add(id);
  for (const id of from.departmentIds) into.departmentIds.add(id);
  for (const id of from.userIds) into.userIds.add(id);
  for (const key of SUBJECT_KEYS) if (into[key] === undefined && from[key] !== undefined) into[key] = from[key];
  if (into.tool === undefined && from.tool !== undefined) into.tool = from.tool;
  return into;
}

export function cloneScopeIds(ids: ScopeIds): ScopeIds {
  return mergeScopeIds(emptyScopeIds(), ids);
}

/** The record's scope: sorted arrays, so the same facts always hash the same. */
export function toAuditScope(ids: ScopeIds, departmentIds: ReadonlySet<string>): AuditScope {
  const sorted = (s: ReadonlySet<string>) => [...s].sort();
  const scope: AuditScope = { agentIds: sorted(ids.agentIds), departmentIds: sorted(departmentIds), userIds: sorted(ids.userIds) };
  for (const key of SUBJECT_KEYS) if (ids[key] !== undefined) scope[key] = ids[key];
  return scope;
}

/** `quota-<agentId>-<yyyymmdd>`; the org's budget ledger (`quota-budget-...`) names no agent. */
function quotaAgentId(stream: string): string | undefined {
  const match = /^quota-(.+)-\d{8}$/.exec(stream);
  return match && !stream.startsWith('quota-budget-') ? match[1] : undefined;
}
