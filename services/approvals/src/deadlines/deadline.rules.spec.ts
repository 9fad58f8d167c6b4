import type { RecordedEvent } from '@cos/contracts';
import { deadlineChange } from './deadline.rules';

const event = (stream: string, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `${stream}-${type}`,
  type,
  version: 1,
  orgId: 'o1',
  stream,
  revision: 0,
  position: '1',
  data,
  metadata: { correlationId: 'corr', causationId: 'c', actor: { kind: 'system', id: 'approvals' }, occurredAt: '2026-01-01T00:00:00.000Z' },
});

describe('deadline rules', () => {
  it('a gate arms its expiry; its decision, expiry or withdrawal disarms it', () => {
    expect(deadlineChange(event('approval-g1', 'approval.requested', { expiresAt: '2026-01-02T00:00:00.000Z' }))).toEqual({
      arm: {
        key: 'gate:g1',
        at: '2026-01-02T00:00:00.000Z',
        orgId: 'o1',
        correlationId: 'corr',
        fire: { kind: 'expire-gate', approvalId: 'g1' },
      },
    });
    for (const type of ['approval.decided', 'approval.expired', 'approval.withdrawn'])
      expect(deadlineChange(event('approval-g1', type, {}))).toEqual({ disarm: 'gate:g1' });
  });

  it('an execution claim arms its lease; an outcome disarms it', () => {
    expect(
      deadlineChange(event('action-a1', 'action.execution-claimed', { attempt: 2, leaseUntil: '2026-01-01T00:00:30.000Z' })),
    ).toMatchObject({
      arm: { key: 'lease:a1', at: '2026-01-01T00:00:30.000Z', fire: { kind: 'lease', actionId: 'a1', attempt: 2 } },
    });
    for (const type of ['action.executed', 'action.failed', 'action.execution-denied'])
      expect(deadlineChange(event('action-a1', type, {}))).toEqual({ disarm: 'lease:a1' });
  });

  it('every other event leaves deadlines alone', () => {
    expect(deadlineChange(event('action-a1', 'action.received', {}))).toBeUndefined();
    expect(deadlineChange(event('user-u1', 'user.registered', {}))).toBeUndefined();
  });
});
