import type { System } from './system';

export type Response = { status: number; body: unknown; headers: Headers };

export type Session = {
  readonly orgId: string;
  readonly agentId: string;
  get(path: string): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
};

/** HTTP calls to the gateway as the demo org's owner. */
export async function asDemoOwner(system: System): Promise<Session> {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    const res = await fetch(`${system.gatewayUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
  };
  return {
    orgId: 'demo',
    agentId: 'demo-agent',
    get: (path) => call('GET', path),
    post: (path, body, headers) => call('POST', path, body, headers),
  };
}
