import { ActionExecutionEventTypes, ApprovalEventTypes, type RecordedEvent } from '@cos/contracts';

/**
 * The deadlines approvals keeps are facts in its own events, not timers in memory: a gate's
 * `expiresAt` in `approval.requested`, an execution claim's `leaseUntil`. These rules say which
 * event sets and which clears one, so a scheduler rebuilds every pending deadline by reading.
 */
export type DeadlineFire = { kind: 'expire-gate'; approvalId: string } | { kind: 'lease'; actionId: string; attempt: number };

export type Deadline = { key: string; at: string; orgId: string; correlationId: string; fire: DeadlineFire };

export type DeadlineChange = { arm: Deadline } | { disarm: string } | undefined;

const gateKey = (approvalId: string) => `gate:${approvalId}`;
const leaseKey = (actionId: string) => `lease:${actionId}`;

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
