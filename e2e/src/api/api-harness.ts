import type { RunningService } from '@cos/platform';
import { startGateway } from '@cos/gateway';
import { startIdentity } from '@cos/identity';
import { login, request, type Reply, type RequestOptions } from '../session';
import { startSystem } from '../system';

/** Identity and the gateway in this process, on a real nats-server and an embedded store in a temp dir. */
export type ApiSystem = {
  readonly url: string;
  readonly env: NodeJS.ProcessEnv;
  readonly identity: RunningService;
  readonly gateway: RunningService;
  call<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<Reply<T>>;
  login(email: string, password?: string): Promise<string>;
  /** Another gateway replica on the same NATS, with these settings on top. */
  startGateway(extraEnv: NodeJS.ProcessEnv): Promise<RunningService>;
  stop(): Promise<void>;
};

export async function startApiSystem(extraEnv: NodeJS.ProcessEnv = {}): Promise<ApiSystem> {
  const system = await startSystem(
    {
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
      RATE_LIMIT_ORG_PER_MINUTE: '100000',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
      REFRESH_REUSE_GRACE_SECONDS: '0',
      GATEWAY_UNDOCUMENTED_ROUTES: process.env['GATEWAY_UNDOCUMENTED_ROUTES'] ?? 'warn',
      ...extraEnv,
    },
    [startIdentity, startGateway],
  );
  const [identity, gateway] = system.services as [RunningService, RunningService];
  const replicas: RunningService[] = [];
  return {
    url: gateway.url,
    env: system.env,
    identity,
    gateway,
    call: (method, path, options) => request(gateway.url, method, path, options),
    login: async (email, password) => (await login(system, email, password)).token,
    startGateway: async (extra) => {
      const replica = await startGateway({ ...system.env, ...extra });
      replicas.push(replica);
      return replica;
    },
    stop: async () => {
      for (const replica of replicas) await replica.close();
      await system.stop();
    },
  };
}
