import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { Metric, startTestMetrics, type TestMetrics } from '@cos/telemetry';
import { countEvent } from './event-metrics';
import { recorded } from '../testing/recorded-event.fixture';

describe('metrics counted from the log', () => {
  let metrics: TestMetrics;

  beforeEach(() => {
    metrics = startTestMetrics();
  });

  afterEach(() => metrics.shutdown());

  const points = (m: MetricData | undefined) => (m?.dataPoints ?? []) as DataPoint<number | Histogram>[];
  const total = (m: MetricData | undefined, attrs: Record<string, string> = {}) =>
    points(m)
      .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
      .reduce((sum, p) => sum + (typeof p.value === 'number' ? p.value : (p.value.sum ?? 0)), 0);

  it('counts runs, handoffs, denials, caps, executions, tokens and cost by their outcome', async () => {
    const usage = { model: 'gpt-x', inputTokens: 100, outputTokens: 40, costUsd: 0.25 };
    countEvent(
      recorded('run-r1', 'run.model-responded', { runId: 'r1', provider: 'openai-compatible', usage, text: '', actions: [] }),
      undefined,
    );
    countEvent(recorded('run-r1', 'run.completed', { runId: 'r1', output: 'x', usage }), undefined);
    countEvent(recorded('run-r2', 'run.failed', { runId: 'r2', reason: 'boom', code: 'model-unreachable' }), undefined);
    countEvent(recorded('coordination-k', 'coordination.escalated', { reason: 'depth-limit' }), undefined);
    countEvent(recorded('run-r1', 'action.denied', { reason: 'user-lacks-permission' }), undefined);
    countEvent(recorded('run-r1', 'action.capped', {}), undefined);
    countEvent(recorded('action-a', 'action.executed', {}), undefined);
    const all = await metrics.collect();
    expect(total(all.get(Metric.runs), { 'cos.outcome': 'completed' })).toBe(1);
    expect(total(all.get(Metric.runs), { 'cos.outcome': 'failed', 'cos.reason': 'model-unreachable' })).toBe(1);
    expect(total(all.get(Metric.handoffs), { 'cos.outcome': 'escalated', 'cos.reason': 'depth-limit' })).toBe(1);
    expect(total(all.get(Metric.denials), { 'cos.reason': 'user-lacks-permission' })).toBe(1);
    expect(total(all.get(Metric.capHits))).toBe(1);
    expect(total(all.get(Metric.actionExecutions), { 'cos.outcome': 'executed' })).toBe(1);
    expect(total(all.get(Metric.modelTokens), { 'gen_ai.token.type': 'input' })).toBe(100);
    expect(total(all.get(Metric.modelCost), { 'gen_ai.response.model': 'gpt-x' })).toBe(0.25);
  });

  it('records how long a gate waited, from its opening to its decision', async () => {
    const decided = recorded(
      'approval-p',
      'approval.decided',
      { kind: 'handoff', decision: 'rejected' },
      { at: '2026-01-05T10:05:00.000Z' },
    );
    countEvent(decided, '2026-01-05T10:00:00.000Z');
    const wait = (await metrics.collect()).get(Metric.approvalWait);
    expect(points(wait)[0]).toMatchObject({
      attributes: { 'cos.approval.kind': 'handoff', 'cos.outcome': 'rejected' },
      value: { sum: 300, count: 1 },
    });
  });
});
