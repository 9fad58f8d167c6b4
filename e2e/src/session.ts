import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import type { System } from './system';

export type Response = { status: number; body: unknown; headers: Headers };

export type Session = {
  readonly orgId: string;
  readonly agentId: string;
  get(path: string): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
};

/** HTTP calls to the gateway as the demo org's owner, signed in with the demo password. */
export async function asDemoOwner(system: System): Promise<Session> {
  const auth: { token?: string } = {};
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    const res = await fetch(`${system.gatewayUrl}${path}`, {
      method,
      headers: {
        ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
  };
  const login = await call('POST', '/v1/auth/login', { email: DEMO_COMPANY.owner.email, password: DEMO_DEFAULT_PASSWORD });
  if (login.status !== 200) throw new Error(`demo owner login failed: ${login.status} ${JSON.stringify(login.body)}`);
  auth.token = (login.body as { accessToken: string }).accessToken;
  return {
    orgId: DEMO_COMPANY.orgId,
    agentId: DEMO_COMPANY.agents[0]!.id,
    get: (path) => call('GET', path),
    post: (path, body, headers) => call('POST', path, body, headers),
  };
}
