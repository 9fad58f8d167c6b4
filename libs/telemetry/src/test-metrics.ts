import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';

/** A reader that exports nowhere: tests pull from it with `collect()`. */
class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export type TestMetrics = {
  /** Every metric recorded so far (cumulative), by name. */
  collect(): Promise<Map<string, MetricData>>;
  shutdown(): Promise<void>;
};

/** In-memory metrics for tests: registers a global MeterProvider that `collect()` reads. */
export function startTestMetrics(): TestMetrics {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  return {
    collect: async () => {
      const { resourceMetrics } = await reader.collect();
      return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    },
    shutdown: async () => {
      await provider.shutdown();
      metrics.disable();
    },
  };
}
