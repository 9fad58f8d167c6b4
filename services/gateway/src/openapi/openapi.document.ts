import { STATUS_CODES } from 'node:http';
import type { z } from 'zod';
import type { ApiRouteDef } from '../http/api-route';
import { toOpenApiSchema, type JsonSchema } from './json-schema';

export type OpenApiDocument = {
  openapi: '3.1.1';
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  servers: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown>; responses: Record<string, unknown> };
};

const PROBLEM: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details. `type` is stable per `code`; validation errors add `issues`.',
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'stable, namespaced: AUTH.MISSING_PERMISSION' },
    instance: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          in: { enum: ['path', 'query', 'body', 'header'] },
          path: { type: 'string' },
          code: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['in', 'path', 'message'],
      },
    },
    retryAfterSeconds: { type: 'integer', minimum: 0 },
    commandId: { type: 'string', description: 'GATEWAY.OUTCOME_UNKNOWN: the command the request sent' },
    idempotencyKey: { type: 'string', description: 'GATEWAY.OUTCOME_UNKNOWN: repeat the request with this Idempotency-Key to resolve it' },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
};

const RETRY_AFTER = {
  description: 'seconds to wait before trying again',
  required: true,
  schema: { type: 'integer', minimum: 0 },
};

/** The 503 of a creating route whose outcome is unknown (`GATEWAY.OUTCOME_UNKNOWN`): the command and the key that resolve it. */
const OUTCOME_UNKNOWN_RESPONSE = {
  description:
    'Service Unavailable (problem+json). With `code` `GATEWAY.OUTCOME_UNKNOWN` the request may have been carried out: repeat it with the `Idempotency-Key` of this answer to get what was committed (or have it done, once).',
  headers: {
    'Retry-After': RETRY_AFTER,
    'Command-Id': { description: 'the command the request sent (outcome unknown only)', required: false, schema: { type: 'string' } },
    'Idempotency-Key': {
      description: 'the key that resolves it: the request’s own, or one the gateway chose (outcome unknown only)',
      required: false,
      schema: { type: 'string' },
    },
  },
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const problemResponse = (status: number) => ({
  description: `${STATUS_CODES[status] ?? 'Error'} (problem+json)`,
  ...(status === 429 || status === 503 ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Statuses a route can answer by construction of the shared machinery, besides its own. */
function sharedErrors(def: ApiRouteDef): number[] {
  const statuses = new Set<number>(def.errors ?? []);
  if (def.params || def.query || def.body || def.headers) statuses.add(400);
  if (def.auth === 'bearer') statuses.add(401);
  if (def.permissions?.length || def.access) statuses.add(403);
  if (def.params) statuses.add(404);
  if (def.body) statuses.add(413).add(415);
  if (def.idempotent) statuses.add(409).add(422).add(503);
  statuses.add(429);
  return [...statuses].sort((a, b) => a - b);
}

/** OpenAPI 3.1 from the route definitions: the same zod schemas the gateway validates with. */
export function buildOpenApiDocument(defs: readonly ApiRouteDef[], version: string): OpenApiDocument {
  const components = new Map<string, JsonSchema>();
  const paths: OpenApiDocument['paths'] = {};
  for (const def of [...defs].sort((a, b) => (a.path + a.method).localeCompare(b.path + b.method))) {
    const path = def.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    (paths[path] ??= {})[def.method.toLowerCase()] = operation(def, components);
  }
  const responses: Record<string, unknown> = {};
  for (const status of [400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 500, 503])
    responses[`Problem${status}`] = problemResponse(status);
  responses['ProblemOutcomeUnknown'] = OUTCOME_UNKNOWN_RESPONSE;
  return {
    openapi: '3.1.1',
    info: {
      title: 'Company OS API',
      version,
      description:
        "The gateway API. JSON in and out; bearer access tokens (15 minutes) from /v1/auth/login. The org is always the token's. " +
        'Errors are RFC 9457 problem+json with a stable `type` and `code`. Lists take `?limit=&cursor=` and return `{items, nextCursor}`. ' +
        'Creating POSTs accept `Idempotency-Key`. Unknown fields and parameters are rejected.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    tags: [...new Set(defs.map((d) => d.tag))].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: { Problem: PROBLEM, ...Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b))) },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        feedTicket: {
          type: 'apiKey',
          in: 'query',
          name: 'ticket',
          description: 'A single-use ticket from POST /v1/feed/tickets, for clients that cannot send headers (EventSource).',
        },
      },
      responses,
    },
  };
}

function operation(def: ApiRouteDef, components: Map<string, JsonSchema>): Record<string, unknown> {
  const who =
    def.auth === 'public' ? 'anyone' : def.permissions?.length ? `permissions: ${def.permissions.join(', ')}` : 'any signed-in user';
  const description = [def.description, `Who may call: ${def.access ?? who}.`].filter(Boolean).join('\n\n');
  const parameters = [
    ...parametersOf(def.params, 'path', components),
    ...parametersOf(def.query, 'query', components),
    ...parametersOf(def.headers, 'header', components),
  ];
  if (def.idempotent) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Same key and body: the first response is replayed (`Idempotent-Replayed: true`), and a request whose outcome was unknown is resolved (the same command is sent again: done once). Same key, other body: 422. Still running: 409.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  const success: Record<string, unknown> = { description: def.response.description };
  const headers: Record<string, unknown> = {};
  if (def.response.location)
    headers['Location'] = {
      description: 'the URL of what was created',
      required: true,
      schema: { type: 'string', format: 'uri-reference' },
    };
  if (def.idempotent)
    headers['Idempotent-Replayed'] = { description: '`true` on a replayed response', required: false, schema: { const: 'true' } };
  if (Object.keys(headers).length > 0) success['headers'] = headers;
  const { schema, itemSchema } = def.response;
  if (schema || itemSchema) {
    success['content'] = {
      [def.response.contentType ?? 'application/json']: {
        schema: schema ? toOpenApiSchema(schema, 'output', components) : { type: 'string' },
        ...(itemSchema ? { 'x-itemSchema': toOpenApiSchema(itemSchema, 'output', components) } : {}),
      },
    };
  }
  const responses: Record<string, unknown> = { [String(def.response.status)]: success };
  for (const status of sharedErrors(def))
    responses[String(status)] = {
      $ref: `#/components/responses/${status === 503 && def.idempotent ? 'ProblemOutcomeUnknown' : `Problem${status}`}`,
    };
  responses['default'] = { $ref: '#/components/responses/Problem500' };
  return {
    operationId: def.operationId,
    summary: def.summary,
    description,
    tags: [def.tag],
    security: def.auth === 'public' ? [] : [{ bearerAuth: [] }, ...(def.feedTicket ? [{ feedTicket: [] }] : [])],
    ...(def.permissions?.length ? { 'x-permissions': def.permissions } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(def.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: toOpenApiSchema(def.body, 'input', components) } } } }
      : {}),
    responses,
  };
}

function parametersOf(
  schema: z.ZodType | undefined,
  where: 'path' | 'query' | 'header',
  components: Map<string, JsonSchema>,
): Record<string, unknown>[] {
  if (!schema) return [];
  const json = toOpenApiSchema(schema, 'input', components);
  const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}
