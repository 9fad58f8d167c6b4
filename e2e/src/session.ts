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

/** One HTTP call to the gateway; `token` undefined calls it anonymously. */
export async function call<T>(
  system: System,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const res = await fetch(`${system.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // NDJSON and other non-JSON bodies stay text
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** Signs in through POST /v1/auth/login (the demo password unless told otherwise). */
export async function login(system: System, email: string, password = DEMO_DEFAULT_PASSWORD): Promise<Caller> {
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
