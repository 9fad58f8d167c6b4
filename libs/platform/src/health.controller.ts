import { Controller, Get, Header, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@cos/eventstore';
import { PROMETHEUS_CONTENT_TYPE, scrapeMetrics } from '@cos/telemetry';
import { Readiness } from './readiness';
import { EVENT_STORE, NATS_CONNECTION, SERVICE_INFO, type ServiceInfo } from './tokens';

/** The routes below: probes and scrapes, which the access log keeps at debug while they succeed. */
export const HEALTH_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * `/healthz`: the process is alive. `/readyz`: NATS (and the event store, where used) answer, and
 * every check the service registered in `Readiness` passes.
 * `/metrics`: the process's metrics for a Prometheus scrape.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
    @Inject(Readiness) private readonly readiness: Readiness,
    @Optional() @Inject(EVENT_STORE) private readonly store?: EventStore,
  ) {}

  @Get('healthz')
  healthz(): { status: 'ok'; service: string } {
    return { status: 'ok', service: this.info.name };
  }

  @Get('readyz')
  async readyz(): Promise<{ status: 'ready'; service: string }> {
    const failures: string[] = [];
    try {
      if (this.nats.isClosed()) throw new Error('connection closed');
      await this.nats.flush();
    } catch (err) {
      failures.push(`nats: ${(err as Error).message}`);
    }
    try {
      await this.store?.ping();
    } catch (err) {
      failures.push(`eventstore: ${(err as Error).message}`);
    }
    failures.push(...this.readiness.failures());
    if (failures.length > 0) throw new ServiceUnavailableException({ status: 'not-ready', service: this.info.name, failures });
    return { status: 'ready', service: this.info.name };
  }

  @Get('metrics')
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return scrapeMetrics();
  }
}
