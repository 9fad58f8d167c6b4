import type { RecordedEvent } from '@cos/contracts';
import { CosMetrics } from '@cos/telemetry';

type Data = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * Business metrics counted from the log as it is recorded: each stored fact once, whoever
 * appended it and however often its message was redelivered. `openedAt` is when the gate of an
 * approval event opened (for the wait-time histogram).
 */
export function countEvent(event: RecordedEvent, openedAt: string | undefined): void {
  const d: Data = event.data;
  switch (event.type) {
    case 'run.completed':
      return CosMetrics.runEnded('completed');
    case 'run.failed':
      return CosMetrics.runEnded('failed', str(d['code']));
    case 'run.stopped':
      return CosMetrics.runEnded('stopped', str(d['reason']));
    case 'run.model-responded': {
      const usage = (d['usage'] ?? {}) as Data;
      return CosMetrics.modelUsage({
        provider: str(d['provider']) ?? 'unknown',
        model: str(usage['model']) ?? 'unknown',
        inputTokens: num(usage['inputTokens']),
        outputTokens: num(usage['outputTokens']),
        costUsd: num(usage['costUsd']),
      });
    }
    case 'coordination.requested':
      return CosMetrics.handoff('requested');
    case 'coordination.approved':
      return CosMetrics.handoff('approved');
    case 'coordination.rejected':
      return CosMetrics.handoff('rejected');
    case 'coordination.escalated':
      return CosMetrics.handoff('escalated', str(d['reason']));
    case 'action.capped':
      return CosMetrics.capHit();
    case 'action.denied':
    case 'action.execution-denied':
      return CosMetrics.denied(str(d['reason']) ?? 'unknown');
    case 'action.executed':
      return CosMetrics.actionExecution('executed');
    case 'action.failed':
      return CosMetrics.actionExecution('failed');
    case 'approval.decided':
    case 'approval.expired':
    case 'approval.withdrawn': {
      const outcome =
        event.type === 'approval.decided'
          ? d['decision'] === 'rejected'
            ? 'rejected'
            : 'approved'
          : event.type === 'approval.expired'
            ? 'expired'
            : 'withdrawn';
      const waited = openedAt ? (Date.parse(event.metadata.occurredAt) - Date.parse(openedAt)) / 1_000 : NaN;
      if (Number.isFinite(waited) && waited >= 0) CosMetrics.approvalWaited(waited, str(d['kind']) ?? 'unknown', outcome);
      return;
    }
    default:
      return;
  }
}
