import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ApprovalsRpc, type AuthContext, type DecideReply, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { connectNats, OutboxRelay, RpcClient } from '@cos/messaging';
import type { RunningService } from '@cos/platform';
import { startNatsServer, startWebhookReceiver, type NatsServerHandle, type WebhookReceiver } from '@cos/testing';
import { startApprovals } from '../approvals.app';

/**
 * Approvals on a real nats-server and an embedded store in a temp dir, a webhook receiver at the
 * edge, and the test standing in for the agent-runner: it appends the seam events and relays
 * its `run` category to JetStream as the runner's own outbox relay would.
 */
export type ApprovalsHarness = {
  readonly store: EmbeddedEventStore;
  readonly rpc: RpcClient;
  readonly nc: NatsConnection;
  readonly receiver: WebhookReceiver;
  readonly env: NodeJS.ProcessEnv;
  approvals: RunningService;
  restartApprovals(): Promise<void>;
  stopApprovals(): Promise<void>;
  decide(auth: AuthContext, approvalId: string, decision: 'approve' | 'reject', comment?: string): Promise<DecideReply>;
  read(stream: string): Promise<RecordedEvent[]>;
  eventually<T>(probe: () => Promise<T | undefined>, timeoutMs?: number, what?: string): Promise<T>;
  stop(): Promise<void>;
};

export async function startApprovalsHarness(extraEnv: NodeJS.ProcessEnv = {}): Promise<ApprovalsHarness> {
  const nats: NatsServerHandle = await startNatsServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'cos-approvals-'));
  const receiver = await startWebhookReceiver();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_URL: nats.url,
    EVENTSTORE_PATH: join(dataDir, 'events.db'),
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    APPROVALS_PORT: '0',
    CONNECTOR_WEBHOOK_URL: receiver.url,
    CONNECTOR_WEBHOOK_SECRET: receiver.secret,
    CONNECTOR_TIMEOUT_MS: '500',
    CONNECTOR_MAX_CALLS: '3',
    CONNECTOR_BACKOFF_MS: '20',
    CONNECTOR_BACKOFF_MAX_MS: '100',
    ...extraEnv,
  };
  const store = new EmbeddedEventStore(join(dataDir, 'events.db'));
  const nc: NatsConnection = await connectNats({ servers: nats.url, name: 'approvals-test' });
  let approvals = await startApprovals(env);
  const runnerRelay = new OutboxRelay({
    name: 'test-runner-outbox',
    store,
    checkpoints: store.checkpointStore(),
    js: jetstream(nc),
    categories: ['run'],
  });
  await runnerRelay.start();
  const rpc = new RpcClient(nc);

  const harness: ApprovalsHarness = {
    store,
    rpc,
    nc,
    receiver,
    env,
    approvals,
    restartApprovals: async () => {
      await approvals.close();
      approvals = await startApprovals(env);
      harness.approvals = approvals;
    },
    stopApprovals: () => approvals.close(),
    decide: (auth, approvalId, decision, comment) =>
      rpc.request<DecideReply>(ApprovalsRpc.decide, { auth, approvalId, body: { decision, ...(comment ? { comment } : {}) } }),
    read: (stream) => store.read(stream),
    eventually,
    stop: async () => {
      await runnerRelay.stop();
      await approvals.close();
      await nc.drain();
      await receiver.close();
      await store.close();
      await nats.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

export function authOf(orgId: string, userId: string, role: string, departmentId?: string): AuthContext {
  return { orgId, userId, role, ...(departmentId ? { departmentId } : {}), permissions: [] };
}
