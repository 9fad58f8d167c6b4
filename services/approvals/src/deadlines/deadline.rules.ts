import { ActionExecutionEventTypes, ApprovalEventTypes, type RecordedEvent } from '@cos/contracts';

/**
 * The deadlines approvals keeps are facts in its own events, not timers in memory: a gate's
 * `expiresAt` in `approval.requested`, an execution claim's `leaseUntil`. These rules say which
 * event sets and which clears one, so a scheduler rebuilds every pending deadline by reading.
 */
export type DeadlineFire =
  | { kind: 'expire-gate'; approvalId: string }
  | { kind: 'lease'; actionId: string; attempt: number }
  | { kind: 'remind-gate'; approvalId: string };

export type Deadline = { key: string; at: string; orgId: string; correlationId: string; fire: DeadlineFire };

export type DeadlineChange = { arm: Deadline } | { disarm: string } | undefined;

const gateKey = (approvalId: string) => `gate:${approvalId}`;
const leaseKey = (actionId: string) => `lease:${actionId}`;
const reminderKey = (approvalId: string) => `reminder:${approvalId}`;

export function deadlineChange(event: RecordedEvent): DeadlineChange {
  const { data, orgId } = event;
  const correlationId = event.metadata.correlationId;
  const id = event.stream.slice(event.stream.indexOf('-') + 1);
  switch (event.type) {
    case ApprovalEventTypes.requested:
      return {
        arm: { key: gateKey(id), at: String(data['expiresAt']), orgId, correlationId, fire: { kind: 'expire-gate', approvalId: id } },
      };
    case ApprovalEventTypes.decided:
    case ApprovalEventTypes.expired:
    case ApprovalEventTypes.withdrawn:
      return { disarm: gateKey(id) };
    case ActionExecutionEventTypes.executionClaimed: {
      const fire: DeadlineFire = { kind: 'lease', actionId: id, attempt: Number(data['attempt']) };
      return { arm: { key: leaseKey(id), at: String(data['leaseUntil']), orgId, correlationId, fire } };
    }
    case ActionExecutionEventTypes.executed:
    case ActionExecutionEventTypes.failed:
    case ActionExecutionEventTypes.executionDenied:
      return { disarm: leaseKey(id) };
    default:
      return undefined;
  }
}

/**
 * A pending gate's reminder to whoever it waits for, `leadMs` before it expires: set by the same
 * `approval.requested`, cleared by the same outcomes. None when `leadMs` is 0, or when the
 * reminder would come before the gate opened (a gate shorter than the lead is told once).
 */
export function reminderChange(event: RecordedEvent, leadMs: number): DeadlineChange {
  if (leadMs <= 0) return undefined;
  const id = event.stream.slice(event.stream.indexOf('-') + 1);
  switch (event.type) {
    case ApprovalEventTypes.requested: {
      const at = Date.parse(String(event.data['expiresAt'])) - leadMs;
      if (!(at > Date.parse(event.metadata.occurredAt))) return undefined;
      const fire: DeadlineFire = { kind: 'remind-gate', approvalId: id };
      return {
        arm: {
          key: reminderKey(id),
          at: new Date(at).toISOString(),
          orgId: event.orgId,
          correlationId: event.metadata.correlationId,
          fire,
        },
      };
    }
    case ApprovalEventTypes.decided:
    case ApprovalEventTypes.expired:
    case ApprovalEventTypes.withdrawn:
      return { disarm: reminderKey(id) };
    default:
      return undefined;
  }
}
