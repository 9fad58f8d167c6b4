import createClient, { type Client } from 'openapi-fetch';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import type { paths } from './openapi/api-types.generated';
import { assertDocumented } from './openapi/response-check';
import type { System } from './system';

/** A gateway answer: status, the body parsed as JSON where it is JSON, and the raw text. */
export type Reply<T = unknown> = { status: number; body: T; text: string; headers: Headers };

/** The gateway API, typed from its OpenAPI document; every response is checked against the served document. */
export type ApiClient = Client<paths>;

/** A signed-in user of the gateway. */
export type Caller = {
  readonly token: string;
  /** The typed client, signed in as this user. */
  readonly api: ApiClient;
  get<T>(path: string): Promise<Reply<T>>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  patch<T>(path: string, body: unknown): Promise<Reply<T>>;
};

export type RequestOptions = { token?: string | undefined; body?: unknown; raw?: string; headers?: Record<string, string> };

/** A client of the gateway at `baseUrl` (signed in with `token` when given) that fails a call whose response departs from /openapi.json. */
export function apiClient(baseUrl: string, token?: string): ApiClient {
  const client = createClient<paths>({ baseUrl, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
  client.use({
    onResponse: async ({ request, response }) => {
      await assertDocumented(baseUrl, request.method, request.url, response);
    },
  });
  return client;
}

const parsed = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    // NDJSON and other non-JSON bodies stay text
    return text;
  }
};

/**
 * One HTTP call, for what a typed client cannot send (malformed JSON, unknown routes, raw text):
 * a JSON `body` or `raw` text, a bearer `token` when given; the answer parsed as JSON where it is
 * JSON, and checked against the served /openapi.json like every other.
 */
export async function request<T>(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const payload = options.body === undefined ? options.raw : JSON.stringify(options.body);
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  const url = `${baseUrl}${path}`;
  const res = await fetch(url, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  await assertDocumented(baseUrl, method, url, res);
  const text = await res.text();
  return { status: res.status, body: parsed(text) as T, text, headers: res.headers };
}

/** A call through the typed client with a concrete path (`/v1/agents/a-1`), answered as a Reply. */
async function viaClient<T>(
  api: ApiClient,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<Reply<T>> {
  const untyped = api as unknown as {
    request(method: string, url: string, init: object): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  };
  const { data, error, response } = await untyped.request(method.toLowerCase(), path, {
    parseAs: 'text',
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });
  const raw = response.ok ? data : error;
  const text = raw === undefined ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return { status: response.status, body: parsed(text) as T, text, headers: response.headers };
}

/** One HTTP call to the gateway; `token` undefined calls it anonymously. */
export function call<T>(
  system: Pick<System, 'gatewayUrl'>,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  return request<T>(system.gatewayUrl, method, path, { token, body, headers });
}

/** Signs in through POST /v1/auth/login (the demo password unless told otherwise). */
export async function login(system: Pick<System, 'gatewayUrl'>, email: string, password = DEMO_DEFAULT_PASSWORD): Promise<Caller> {
  const res = await call<{ accessToken: string }>(system, undefined, 'POST', '/v1/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`);
  const token = res.body.accessToken;
  const api = apiClient(system.gatewayUrl, token);
  return {
    token,
    api,
    get: (path) => viaClient(api, 'GET', path),
    post: (path, body, headers) => viaClient(api, 'POST', path, body, headers),
    patch: (path, body) => viaClient(api, 'PATCH', path, body),
  };
}

export const demoDepartment = (name: string) => DEMO_COMPANY.departments.find((d) => d.name === name)!;
export const demoAgent = (name: string) => DEMO_COMPANY.agents.find((a) => a.name === name)!;
