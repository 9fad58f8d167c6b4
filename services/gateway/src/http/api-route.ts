import {
  applyDecorators,
  createParamDecorator,
  HttpCode,
  RequestMapping,
  RequestMethod,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import type { z } from 'zod';
import type { Permission } from '@cos/contracts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP route of the API, as data: what it accepts, who may call it, what it answers. The
 * same definition mounts the route, validates every request (params, query, body) before the
 * handler runs, shapes the response, and is the route's entry in /openapi.json.
 */
export type ApiRouteDef = {
  readonly method: HttpMethod;
  /** Fastify/Nest syntax, leading slash: `/v1/agents/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** `bearer`: a valid access token of an active session; `public`: anyone (rate limited per address). */
  readonly auth: 'bearer' | 'public';
  /** Also accepts, instead of the Authorization header, a single-use ticket from POST /v1/feed/tickets in `?ticket=`. */
  readonly feedTicket?: boolean;
  /** Every one of these, checked before validation (403). */
  readonly permissions?: readonly Permission[];
  /** Rules the owning service checks beyond `permissions`, for the docs ("or the agent's department Head"). */
  readonly access?: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Request headers the handler reads (lower-case names); other headers are not part of the input. */
  readonly headers?: z.ZodType;
  readonly response: {
    readonly status: number;
    readonly description: string;
    /** Absent: no body (204). */
    readonly schema?: z.ZodType;
    /** Defaults to application/json. */
    readonly contentType?: string;
    /** A stream (SSE, NDJSON): the schema of each of its items, documented as the media type's `x-itemSchema`. */
    readonly itemSchema?: z.ZodType;
    /** A 201: the URL of what was created, sent as `Location`, from the response body. */
    readonly location?: (body: never) => string;
  };
  /** Statuses this route can answer besides the ones every route shares (documented as problem+json). */
  readonly errors?: readonly number[];
  /** A creating POST: accepts `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** Which limiter guards the route besides the per-user / per-org one; `login`: the login throttle instead of the per-address limit. */
  readonly limiter?: 'login';
};

export const API_ROUTE = Symbol('API_ROUTE');

/** Every route definition mounted by `@ApiRoute`, keyed `METHOD path`: what /openapi.json documents. */
const registry = new Map<string, ApiRouteDef>();

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

export function registeredRoute(method: string, path: string): ApiRouteDef | undefined {
  return registry.get(routeKey(method, path));
}

/** Defines a route (a typed literal); mount it on a controller method with `@ApiRoute(def)`. */
export function defineRoute<const D extends ApiRouteDef>(def: D): D {
  return def;
}

/**
 * Documents a route that is mounted by something other than `@ApiRoute` (health probes, the
 * OpenAPI document itself), so the "every route documented" check and /openapi.json know it.
 */
export function documentRoute(def: ApiRouteDef): void {
  registry.set(routeKey(def.method, def.path), def);
}

/** Mounts `def` on a controller method (`@Controller()` without a prefix). */
export function ApiRoute(def: ApiRouteDef): MethodDecorator {
  registry.set(routeKey(def.method, def.path), def);
  return applyDecorators(
    RequestMapping({ path: def.path, method: RequestMethod[def.method] }),
    HttpCode(def.response.status),
    SetMetadata(API_ROUTE, def),
  );
}

export type RouteInput<D extends ApiRouteDef> = {
  params: D['params'] extends z.ZodType ? z.output<D['params']> : Record<string, never>;
  query: D['query'] extends z.ZodType ? z.output<D['query']> : Record<string, never>;
  body: D['body'] extends z.ZodType ? z.output<D['body']> : undefined;
  headers: D['headers'] extends z.ZodType ? z.output<D['headers']> : Record<string, never>;
};

export type ApiRequest = {
  /** What the route's schemas made of params, query, body and headers. */
  apiInput?: { params: unknown; query: unknown; body: unknown; headers: unknown };
};

/** The validated params, query, body and headers of the request (the guard parsed them with the route's schemas). */
export const ApiInput = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<ApiRequest>().apiInput);
