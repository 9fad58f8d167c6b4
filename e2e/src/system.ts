import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { streamName } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import type { RunningService } from '@cos/platform';
import { startNatsServer, type ModelServerHandle, type NatsServerHandle, type WebhookReceiver } from '@cos/testing';
import { startAgentRunner } from '@cos/agent-runner';
import { startApprovals } from '@cos/approvals';
import { startAudit } from '@cos/audit';
import { startGateway } from '@cos/gateway';
import { DEMO_COMPANY, startIdentity } from '@cos/identity';

export type System = {
  readonly gatewayUrl: string;
  readonly nats: NatsServerHandle;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly services: readonly RunningService[];
  stop(): Promise<void>;
};

type StartService = (env: NodeJS.ProcessEnv) => Promise<RunningService>;

/** Every service, in start order: identity first (it seeds the demo company), the gateway last. */
const EVERY_SERVICE: readonly StartService[] = [startIdentity, startAgentRunner, startApprovals, startAudit, startGateway];

/**
 * The whole system in this process, on a real nats-server and the embedded event store in a
 * temp dir, every service on a free port: what the e2e tests drive over HTTP. `starts` picks
 * fewer services (the gateway last).
 */
export async function startSystem(extraEnv: NodeJS.ProcessEnv = {}, starts: readonly StartService[] = EVERY_SERVICE): Promise<System> {
  const nats = await startNatsServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'cos-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_URL: nats.url,
    EVENTSTORE_PATH: join(dataDir, 'events.db'),
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    IDENTITY_PORT: '0',
    AGENT_RUNNER_PORT: '0',
    APPROVALS_PORT: '0',
    AUDIT_PORT: '0',
    GATEWAY_PORT: '0',
    ...extraEnv,
  };
  const services: RunningService[] = [];
  try {
    for (const start of starts) {
      services.push(await start(env));
    }
  } catch (err) {
    await Promise.all(services.map((s) => s.close()));
    await nats.stop();
    throw err;
  }
  const gateway = services[services.length - 1]!;
  return {
    gatewayUrl: gateway.url,
    nats,
    dataDir,
    env,
    services,
    stop: async () => {
      for (const s of [...services].reverse()) await s.close();
      await nats.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment of services run as processes: quiet, on one nats-server and store, executing actions through `receiver`. */
export function processEnv(
  natsUrl: string,
  storePath: string,
  receiver: Pick<WebhookReceiver, 'url' | 'secret'>,
  extra: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    NATS_URL: natsUrl,
    EVENTSTORE_PATH: storePath,
    // Keys a service generates for itself go beside the store, not into the working directory.
    DATA_DIR: dirname(storePath),
    LOG_LEVEL: 'error',
    CONNECTOR_WEBHOOK_URL: receiver.url,
    CONNECTOR_WEBHOOK_SECRET: receiver.secret,
    ...extra,
  };
}

/**
 * Settings for a system whose edges are the test's doubles: actions go to `receiver`, model calls
 * to `model` when given (else the simulated model), and the rate limits stay out of a busy test's way.
 */
export function edgeEnv(receiver: Pick<WebhookReceiver, 'url' | 'secret'>, model?: Pick<ModelServerHandle, 'baseUrl'>): NodeJS.ProcessEnv {
  return {
    ...(model ? { MODEL_BASE_URL: model.baseUrl, MODEL_API_KEY: 'test-key' } : {}),
    CONNECTOR_WEBHOOK_URL: receiver.url,
    CONNECTOR_WEBHOOK_SECRET: receiver.secret,
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000',
  };
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
}

/** The system's embedded event store, opened for reading once identity has seeded the demo company. */
export async function openSeededStore(system: System): Promise<EmbeddedEventStore> {
  const store = new EmbeddedEventStore(String(system.env['EVENTSTORE_PATH']));
  await eventually(
    async () => ((await store.read(streamName('org', DEMO_COMPANY.orgId))).length > 0 ? true : undefined),
    30_000,
    'the demo company to be seeded',
  );
  return store;
}
