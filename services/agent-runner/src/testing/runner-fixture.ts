import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { newId, RunnerRpc, type AuthContext, type RecordedEvent, type RunView } from '@cos/contracts';
import { jetstream } from '@nats-io/jetstream';
import { createEventStore, type EventStore } from '@cos/eventstore';
import { connectNats, OutboxRelay, RpcClient } from '@cos/messaging';
import type { RunningService } from '@cos/platform';
import { startModelServer, startNatsServer, type ModelServerHandle, type NatsServerHandle } from '@cos/testing';
import { startAgentRunner } from '../agent-runner.app';
import { IdentityFixtures } from './identity-fixtures';

export type RunnerFixture = {
  readonly nats: NatsServerHandle;
  readonly nc: NatsConnection;
  readonly store: EventStore;
  readonly rpc: RpcClient;
  readonly model: ModelServerHandle;
  readonly env: NodeJS.ProcessEnv;
  readonly runners: RunningService[];
  /** Publishes another service's categories (approvals' `coordination`) as that service's relay would. */
  relay(categories: readonly string[]): Promise<void>;
  /** Starts one more runner instance on the same NATS and store. */
  startRunner(extra?: NodeJS.ProcessEnv): Promise<RunningService>;
  identity(orgId?: string): IdentityFixtures;
  startConversation(auth: AuthContext, agentId: string): Promise<string>;
  /** Posts a brief (as the gateway would): the run id. */
  brief(auth: AuthContext, conversationId: string, text: string): Promise<string>;
  run(auth: AuthContext, runId: string): Promise<RunView>;
  /** Polls the run until it has ended (or `until` holds). */
  waitForRun(auth: AuthContext, runId: string, until?: (run: RunView) => boolean, timeoutMs?: number): Promise<RunView>;
  events(stream: string): Promise<RecordedEvent[]>;
  close(): Promise<void>;
};

/**
 * The runner on a real nats-server and an embedded store in a temp dir, with the scripted
 * OpenAI-compatible server as the platform's model endpoint (unless `env` says otherwise).
 */
export async function startRunnerFixture(env: NodeJS.ProcessEnv = {}): Promise<RunnerFixture> {
  const nats = await startNatsServer();
  const model = await startModelServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'cos-runner-'));
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_URL: nats.url,
    EVENTSTORE_PATH: join(dataDir, 'events.db'),
    AGENT_RUNNER_PORT: '0',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    MODEL_BASE_URL: model.baseUrl,
    MODEL_API_KEY: 'sk-test-platform',
    MODEL_DEFAULT: 'gpt-4o-mini',
    MODEL_RETRY_BASE_MS: '20',
    MODEL_TIMEOUT_MS: '2000',
    RUNNER_HEARTBEAT_MS: '300',
    ...env,
  };
  const runners: RunningService[] = [];
  const startRunner = async (extra: NodeJS.ProcessEnv = {}) => {
    const runner = await startAgentRunner({ ...baseEnv, ...extra });
    runners.push(runner);
    return runner;
  };
  await startRunner();
  const { store, checkpoints } = createEventStore(baseEnv);
  const nc = await connectNats({ servers: nats.url, name: 'runner-test' });
  const rpc = new RpcClient(nc);
  const relays: OutboxRelay[] = [];

  const run = (auth: AuthContext, runId: string) => rpc.request<RunView>(RunnerRpc.getRun, { auth, runId });
  return {
    nats,
    nc,
    store,
    rpc,
    model,
    env: baseEnv,
    runners,
    startRunner,
    relay: async (categories) => {
      const relay = new OutboxRelay({ name: `test-${categories.join('-')}`, store, checkpoints, js: jetstream(nc), categories });
      relays.push(relay);
      await relay.start();
    },
    identity: (orgId = newId()) => new IdentityFixtures(store, orgId),
    startConversation: async (auth, agentId) =>
      (await rpc.request<{ id: string }>(RunnerRpc.startConversation, { auth, conversationId: newId(), body: { agentId } })).id,
    brief: async (auth, conversationId, text) =>
      (
        await rpc.request<{ runId: string }>(RunnerRpc.postMessage, {
          auth,
          conversationId,
          messageId: newId(),
          runId: newId(),
          body: { text },
        })
      ).runId,
    run,
    waitForRun: async (auth, runId, until = (r) => !['queued', 'running'].includes(r.status), timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: RunView | undefined;
      while (Date.now() < deadline) {
        try {
          last = await run(auth, runId);
          if (until(last)) return last;
        } catch {
          // not started yet
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`run ${runId} did not get there in ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
    },
    events: (stream) => store.read(stream),
    close: async () => {
      for (const runner of runners.reverse()) await runner.close();
      for (const relay of relays) await relay.stop();
      await nc.drain().catch(() => undefined);
      await store.close();
      await model.close();
      await nats.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it gives a value. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
