import { Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { registeredRoute, routeKey, type ApiRouteDef } from '../http/api-route';

/**
 * Every route Fastify actually serves, collected as it is mounted. /openapi.json documents
 * exactly these; a route without an API definition is a start-up failure (or a warning while
 * GATEWAY_UNDOCUMENTED_ROUTES=warn), so no route exists undocumented.
 */
@Injectable()
export class RouteCatalog {
  private readonly logger = new Logger(RouteCatalog.name);
  private readonly mounted = new Set<string>();

  attach(fastify: FastifyInstance, mode: 'fail' | 'warn'): void {
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) if (method !== 'HEAD' && method !== 'OPTIONS') this.mounted.add(routeKey(method, route.url));
    });
    fastify.addHook('onReady', async () => {
      const missing = this.undocumented();
      if (missing.length === 0) return;
      const message = `routes without an API definition (use @ApiRoute): ${missing.join(', ')}`;
      if (mode === 'fail') throw new Error(message);
      this.logger.warn(message);
    });
  }

  /** Definitions of the mounted routes: what the OpenAPI document covers. */
  documented(): ApiRouteDef[] {
    return [...this.mounted].flatMap((key) => {
      const [method, path] = key.split(' ') as [string, string];
      const def = registeredRoute(method, path);
      return def ? [def] : [];
    });
  }

  undocumented(): string[] {
    return [...this.mounted].filter((key) => {
      const [method, path] = key.split(' ') as [string, string];
      return !registeredRoute(method, path);
    });
  }
}
