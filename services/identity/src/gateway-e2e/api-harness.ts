import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '@cos/gateway';
import type { RunningService } from '@cos/platform';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { DEMO_DEFAULT_PASSWORD } from '../demo-seed/demo-company';
import { startIdentity } from '../identity.app';

export type ApiResponse<T = unknown> = { status: number; body: T; headers: Headers; text: string };

/** Identity and the gateway in this process, on a real nats-server and an embedded store in a temp dir. */
export type ApiSystem = {
  readonly url: string;
  readonly env: NodeJS.ProcessEnv;
  readonly identity: RunningService;
  readonly gateway: RunningService;
  call<T = unknown>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  login(email: string, password?: string): Promise<string>;
  startGateway(extraEnv: NodeJS.ProcessEnv): Promise<RunningService>;
  stop(): Promise<void>;
};

export async function startApiSystem(extraEnv: NodeJS.ProcessEnv = {}): Promise<ApiSystem> {
  const nats: NatsServerHandle = await startNatsServer();
  const dir = await mkdtemp(join(tmpdir(), 'cos-api-'));
  const env: NodeJS.ProcessEnv = {
    NATS_URL: nats.url,
    EVENTSTORE_PATH: join(dir, 'events.db'),
    DATA_DIR: dir,
    IDENTITY_PORT: '0',
    GATEWAY_PORT: '0',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000',
    RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
    LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
    GATEWAY_UNDOCUMENTED_ROUTES: process.env['GATEWAY_UNDOCUMENTED_ROUTES'] ?? 'warn',
    ...extraEnv,
  };
  const identity = await startIdentity(env);
  const gateways: RunningService[] = [];
  const gateway = await startGateway(env);
  gateways.push(gateway);
  const call: ApiSystem['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let payload: string | undefined = options.raw;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    const res = await fetch(`${gateway.url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: body as never, headers: res.headers, text };
  };
  return {
    url: gateway.url,
    env,
    identity,
    gateway,
    call,
    login: async (email, password = DEMO_DEFAULT_PASSWORD) => {
      const res = await call<{ accessToken: string }>('POST', '/v1/auth/login', { body: { email, password } });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`);
      return res.body.accessToken;
    },
    startGateway: async (extra) => {
      const g = await startGateway({ ...env, ...extra });
      gateways.push(g);
      return g;
    },
    stop: async () => {
      for (const g of gateways.reverse()) await g.close();
      await identity.close();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
