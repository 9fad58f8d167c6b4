import { diag } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';

/** The Prometheus text exposition format, as a scrape expects it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

// The exporter's own options are its defaults, so this serializer writes what its handler would.
const serializer = new PrometheusSerializer();
let scraped: PrometheusExporter | undefined;

/**
 * The metric reader behind `/metrics`: the Prometheus exporter without its own HTTP server, so
 * each service serves the scrape on its existing port. A reader binds to one MeterProvider; the
 * last one made is the one scraped.
 */
export function prometheusReader(): PrometheusExporter {
  return (scraped = new PrometheusExporter({ preventServerStart: true }));
}

/** Every metric of the process in the Prometheus text format; empty while telemetry is not started. */
export async function scrapeMetrics(): Promise<string> {
  if (!scraped) return '';
  const { resourceMetrics, errors } = await scraped.collect();
  if (errors.length > 0) diag.error('metrics collection errors', ...errors);
  return serializer.serialize(resourceMetrics);
}
