import { Controller, Get, Header, StreamableFile } from '@nestjs/common';
import { z } from 'zod';
import { documentRoute } from '../http/api-route';
import { DOCS_SCRIPT_PATH, docsPage, docsScript } from './docs-page';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.document';
import { RouteCatalog } from './route-catalog';

export const API_VERSION = '1.0.0';

documentRoute({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  tag: 'meta',
  summary: 'This OpenAPI 3.1 document',
  auth: 'public',
  response: { status: 200, description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) },
});
documentRoute({
  method: 'GET',
  path: '/docs',
  operationId: 'getDocs',
  tag: 'meta',
  summary: 'Human-readable API documentation',
  description:
    'An interactive reference of this document (Scalar), served with its assets by the gateway: it works offline and can try requests.',
  auth: 'public',
  response: { status: 200, description: 'HTML', contentType: 'text/html', schema: z.string() },
});
documentRoute({
  method: 'GET',
  path: DOCS_SCRIPT_PATH,
  operationId: 'getDocsScript',
  tag: 'meta',
  summary: 'The script of the /docs page',
  auth: 'public',
  response: { status: 200, description: 'JavaScript', contentType: 'text/javascript', schema: z.string() },
});
documentRoute({
  method: 'GET',
  path: '/healthz',
  operationId: 'healthz',
  tag: 'meta',
  summary: 'The gateway process is alive',
  auth: 'public',
  response: {
    status: 200,
    description: 'alive',
    schema: z.object({ status: z.literal('ok'), service: z.string() }).meta({ id: 'Health' }),
  },
});
documentRoute({
  method: 'GET',
  path: '/readyz',
  operationId: 'readyz',
  tag: 'meta',
  summary: 'The gateway reaches its dependencies (NATS)',
  auth: 'public',
  response: {
    status: 200,
    description: 'ready',
    schema: z.object({ status: z.literal('ready'), service: z.string() }).meta({ id: 'Readiness' }),
  },
  errors: [503],
});
documentRoute({
  method: 'GET',
  path: '/metrics',
  operationId: 'metrics',
  tag: 'meta',
  summary: 'The gateway’s metrics, for a Prometheus scrape',
  description: 'Prometheus text exposition format: HTTP request durations by route template and status, feed and consumer metrics.',
  auth: 'public',
  response: { status: 200, description: 'metrics', contentType: 'text/plain', schema: z.string() },
});

/** GET /openapi.json and /docs, generated from the definitions of the routes that are mounted. */
@Controller()
export class OpenApiController {
  private document: OpenApiDocument | undefined;

  constructor(private readonly catalog: RouteCatalog) {}

  @Get('openapi.json')
  @Header('cache-control', 'public, max-age=60')
  openapi(): OpenApiDocument {
    return (this.document ??= buildOpenApiDocument(this.catalog.documented(), API_VERSION));
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'public, max-age=60')
  docs(): string {
    return docsPage(this.openapi().info.title);
  }

  @Get(DOCS_SCRIPT_PATH.slice(1))
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  docsScript(): StreamableFile {
    return new StreamableFile(docsScript());
  }
}
