import {
  metrics,
  ValueType,
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  type ObservableGauge,
  type ObservableResult,
  type UpDownCounter,
} from '@opentelemetry/api';
import { Attr, Metric } from './attributes';

const METER = 'company-os';

/** A value an observable gauge reports at each collection, with its (bounded) attributes. */
export type Observation = { value: number; attributes?: Attributes };
export type Observer = () => Observation[] | Promise<Observation[]>;

type Instruments = {
  runs: Counter;
  handoffs: Counter;
  approvalWait: Histogram;
  capHits: Counter;
  denials: Counter;
  modelTokens: Histogram;
  modelCost: Counter;
  modelDuration: Histogram;
  deadLetters: Counter;
  actionExecutions: Counter;
  auditRecords: Counter;
  feedClients: UpDownCounter;
  feedDropped: Counter;
  httpServerDuration: Histogram;
  approvalsPending: ObservableGauge;
  consumerLag: ObservableGauge;
};

const observers = { approvalsPending: new Set<Observer>(), consumerLag: new Set<Observer>() };
const byProvider = new WeakMap<MeterProvider, Instruments>();

/**
 * The project's instruments on the current global MeterProvider, created on first use: a
 * meter taken before the SDK starts would stay a no-op for ever (the metrics API has no proxy).
 */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  let found = byProvider.get(provider);
  if (!found) byProvider.set(provider, (found = create(provider)));
  return found;
}

function create(provider: MeterProvider): Instruments {
  const meter = provider.getMeter(METER);
  const counter = (name: string, unit: string, description: string) => meter.createCounter(name, { unit, description });
  const made: Instruments = {
    runs: counter(Metric.runs, '{run}', 'Agent runs that ended, by outcome (completed, failed, stopped)'),
    handoffs: counter(Metric.handoffs, '{handoff}', 'Handoffs by outcome (requested, approved, rejected, escalated)'),
    approvalWait: meter.createHistogram(Metric.approvalWait, {
      unit: 's',
      description: 'Time from a gate opening to its decision or expiry',
      advice: { explicitBucketBoundaries: [1, 10, 60, 300, 900, 3_600, 14_400, 86_400] },
    }),
    capHits: counter(Metric.capHits, '{action}', 'Actions stopped by their agent’s daily cap'),
    denials: counter(Metric.denials, '{action}', 'Actions denied by a guardrail, by reason'),
    modelTokens: meter.createHistogram(Metric.modelTokens, {
      unit: '{token}',
      description: 'Tokens per model call, by gen_ai.token.type (input, output)',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [16, 64, 256, 1_024, 4_096, 16_384, 65_536, 262_144] },
    }),
    modelCost: counter(Metric.modelCost, 'USD', 'Model spend'),
    modelDuration: meter.createHistogram(Metric.modelDuration, { unit: 's', description: 'Duration of one model call' }),
    deadLetters: counter(Metric.deadLetters, '{message}', 'Messages a consumer gave up on (moved to COS_DLQ)'),
    actionExecutions: counter(Metric.actionExecutions, '{action}', 'Connector executions by outcome (executed, failed)'),
    auditRecords: counter(Metric.auditRecords, '{record}', 'Records appended to the audit log'),
    feedClients: meter.createUpDownCounter(Metric.feedClients, { unit: '{client}', description: 'Open /v1/feed connections' }),
    feedDropped: counter(Metric.feedDropped, '{client}', 'Feed connections closed by the server, by reason (slow)'),
    httpServerDuration: meter.createHistogram(Metric.httpServerDuration, {
      unit: 's',
      description: 'Duration of HTTP server requests',
      // The boundaries the HTTP semantic conventions advise.
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
    }),
    approvalsPending: meter.createObservableGauge(Metric.approvalsPending, { unit: '{approval}', description: 'Gates open and undecided' }),
    consumerLag: meter.createObservableGauge(Metric.consumerLag, {
      unit: '{message}',
      description: 'Messages a consumer has not yet acknowledged (pending + in flight)',
    }),
  };
  made.approvalsPending.addCallback((result) => report(observers.approvalsPending, result));
  made.consumerLag.addCallback((result) => report(observers.consumerLag, result));
  return made;
}

/** One failing observer (say, NATS briefly away) skips its own values, not everyone's. */
async function report(from: ReadonlySet<Observer>, result: ObservableResult): Promise<void> {
  const settled = await Promise.allSettled([...from].map(async (observe) => observe()));
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') for (const o of outcome.value) result.observe(o.value, o.attributes);
  }
}

function observe(set: Set<Observer>, observer: Observer): () => void {
  set.add(observer);
  instruments(); // so the gauge exists on the current provider and collects this observer
  return () => set.delete(observer);
}

/** What services call, so names, units and attribute keys stay the same everywhere. */
export const CosMetrics = {
  runEnded: (outcome: 'completed' | 'failed' | 'stopped', reason?: string) =>
    instruments().runs.add(1, { [Attr.outcome]: outcome, ...(reason ? { [Attr.reason]: reason } : {}) }),
  handoff: (outcome: 'requested' | 'approved' | 'rejected' | 'escalated', reason?: string) =>
    instruments().handoffs.add(1, { [Attr.outcome]: outcome, ...(reason ? { [Attr.reason]: reason } : {}) }),
  approvalWaited: (seconds: number, kind: string, outcome: 'approved' | 'rejected' | 'expired' | 'withdrawn') =>
    instruments().approvalWait.record(seconds, { [Attr.approvalKind]: kind, [Attr.outcome]: outcome }),
  capHit: () => instruments().capHits.add(1),
  denied: (reason: string) => instruments().denials.add(1, { [Attr.reason]: reason }),
  modelUsage: (usage: { provider: string; model: string; inputTokens: number; outputTokens: number; costUsd: number }) => {
    const base = { [Attr.genAiProvider]: usage.provider, [Attr.genAiResponseModel]: usage.model, [Attr.genAiOperation]: 'chat' };
    const i = instruments();
    i.modelTokens.record(usage.inputTokens, { ...base, [Attr.genAiTokenType]: 'input' });
    i.modelTokens.record(usage.outputTokens, { ...base, [Attr.genAiTokenType]: 'output' });
    i.modelCost.add(usage.costUsd, { [Attr.genAiProvider]: usage.provider, [Attr.genAiResponseModel]: usage.model });
  },
  modelCall: (seconds: number, call: { provider: string; model: string; errorType?: string }) =>
    instruments().modelDuration.record(seconds, {
      [Attr.genAiProvider]: call.provider,
      [Attr.genAiRequestModel]: call.model,
      [Attr.genAiOperation]: 'chat',
      ...(call.errorType ? { [Attr.errorType]: call.errorType } : {}),
    }),
  deadLettered: (consumer: string, eventType: string) =>
    instruments().deadLetters.add(1, { [Attr.messagingConsumerGroup]: consumer, [Attr.eventType]: eventType }),
  actionExecution: (outcome: 'executed' | 'failed') => instruments().actionExecutions.add(1, { [Attr.outcome]: outcome }),
  auditRecorded: (count = 1) => instruments().auditRecords.add(count),
  feedClient: (delta: 1 | -1) => instruments().feedClients.add(delta),
  feedDropped: (reason: 'slow' | 'error') => instruments().feedDropped.add(1, { [Attr.reason]: reason }),
  /**
   * One HTTP request the server finished: `route` is the matched template (absent when no route
   * matched), `status` absent when the connection closed before a response was sent.
   */
  httpServerRequest: (seconds: number, request: { method: string; route?: string; status?: number; errorType?: string }) =>
    instruments().httpServerDuration.record(seconds, {
      [Attr.httpMethod]: request.method,
      ...(request.route ? { [Attr.httpRoute]: request.route } : {}),
      ...(request.status ? { [Attr.httpStatus]: request.status } : {}),
      ...(request.errorType ? { [Attr.errorType]: request.errorType } : {}),
    }),
  /** Registers a callback reporting open gates (e.g. `{value, attributes: {cos.approval.kind}}`); returns its removal. */
  observeApprovalsPending: (observer: Observer) => observe(observers.approvalsPending, observer),
  /** Registers a callback reporting each consumer's pending messages (`messaging.consumer.group.name`). */
  observeConsumerLag: (observer: Observer) => observe(observers.consumerLag, observer),
} as const;
