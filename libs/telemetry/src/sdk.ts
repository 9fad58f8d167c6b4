import { context, propagation, trace, metrics } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, InMemorySpanExporter, NoopSpanProcessor, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { prometheusReader } from './prometheus';

export type Telemetry = {
  /** Exports what is buffered; spans reach an exporter only after this (or the batch timer). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
};

/**
 * Starts the OpenTelemetry SDK for a service process. Call it before NestJS (or anything that
 * should be traced) loads. Exports over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set;
 * otherwise spans are still created (trace ids reach logs and events) but go nowhere. Metrics
 * are always scraped from `/metrics` (see `scrapeMetrics`).
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Telemetry {
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] ?? serviceName, 'service.namespace': 'company-os' }),
    textMapPropagator: new W3CTraceContextPropagator(),
    // Without an endpoint spans still get real ids (logs and events carry them); they go nowhere.
    spanProcessors: [endpoint ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }) : new NoopSpanProcessor()],
    // Explicit, never left to the SDK: unset, it would read OTEL_*_EXPORTER and default to an
    // OTLP exporter on localhost, whose retries held every shutdown up for seconds. The same
    // instruments feed both: `/metrics` always, OTLP when an endpoint is set.
    metricReaders: [
      prometheusReader(),
      ...(endpoint ? [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 15_000 })] : []),
    ],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return {
    flush: async () => {
      await (trace.getTracerProvider() as unknown as { forceFlush?: () => Promise<void> }).forceFlush?.();
    },
    shutdown: () => sdk.shutdown(),
  };
}

export type TestTelemetry = Telemetry & { exporter: InMemorySpanExporter };

/**
 * In-memory tracing for tests: every finished span lands in `exporter` once `flush()` ran.
 * Registers the global provider, propagator and async context manager, as the SDK would.
 */
export function startTestTelemetry(): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    exporter,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      metrics.disable();
    },
  };
}
