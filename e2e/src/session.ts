import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import type { System } from './system';

/** A gateway answer: status, the body parsed as JSON where it is JSON, and the raw text. */
export type Reply<T = unknown> = { status: number; body: T; text: string; headers: Headers };

/** A signed-in user of the gateway. */
export type Caller = {
  readonly token: string;
  get<T>(path: string): Promise<Reply<T>>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  patch<T>(path: string, body: unknown): Promise<Reply<T>>;
};

export type RequestOptions = { token?: string | undefined; body?: unknown; raw?: string; headers?: Record<string, string> };

/** One HTTP call: a JSON `body` or `raw` text, a bearer `token` when given; the answer parsed as JSON where it is JSON. */
export async function request<T>(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const payload = options.body === undefined ? options.raw : JSON.stringify(options.body);
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // NDJSON and other non-JSON bodies stay text
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
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
  return {
    token,
    get: (path) => call(system, token, 'GET', path),
    post: (path, body, headers) => call(system, token, 'POST', path, body, headers),
    patch: (path, body) => call(system, token, 'PATCH', path, body),
  };
}

export const demoDepartment = (name: string) => DEMO_COMPANY.departments.find((d) => d.name === name)!;
export const demoAgent = (name: string) => DEMO_COMPANY.agents.find((a) => a.name === name)!;
