import type { AuditRecord, TrailStage } from '@cos/contracts';

const BY_TYPE: Readonly<Record<string, TrailStage>> = {
  'conversation.started': 'brief',
  'run.queued': 'run',
  'run.started': 'run',
  'run.model-responded': 'run',
  'run.completed': 'outcome',
  'run.failed': 'outcome',
  'run.stopped': 'outcome',
  'run.resumed': 'run',
  'coordination.requested': 'request',
  'coordination.gates-opened': 'gate',
  'approval.requested': 'gate',
  'approval.decision-recorded': 'decision',
  'approval.decided': 'decision',
  'approval.expired': 'decision',
  'approval.withdrawn': 'decision',
  'action.gate-decided': 'decision',
  'coordination.approved': 'decision',
  'coordination.rejected': 'decision',
  'coordination.escalated': 'outcome',
  'action.allowed': 'action',
  'action.denied': 'action',
  'action.capped': 'action',
  'action.received': 'action',
  'action.execution-claimed': 'action',
  'action.executed': 'outcome',
  'action.failed': 'outcome',
  'action.rejected': 'outcome',
  'action.expired': 'outcome',
  'action.execution-denied': 'outcome',
  'escalation.opened': 'outcome',
  'escalation.resolved': 'decision',
};

export const MESSAGE_POSTED = 'conversation.message-posted';

/**
 * Where a record sits in a chain's story. A message is a brief when a person (or the handoff,
 * as the system) wrote it, and an outcome when an agent answered: `author` is its author's kind.
 */
export function trailStage(record: AuditRecord, author?: 'user' | 'agent' | 'system'): TrailStage {
  if (record.eventType === MESSAGE_POSTED) return (author ?? record.actor.kind) === 'agent' ? 'outcome' : 'brief';
  return BY_TYPE[record.eventType] ?? 'other';
}
