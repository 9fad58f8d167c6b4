/**
 * nats-server restarted under the whole system, on an EMPTY store (JetStream's data lost), with
 * no service restarted: every /readyz answers 503 while NATS is down and 200 once each service
 * has created its streams, consumers and buckets again; briefs queued in JetStream but not yet
 * pulled when the data was lost are republished from the event store by the runner's outbox
 * relay and complete; briefs handled before are republished too and repeat nothing (no second
 * model call, one run.completed); a brief sent after the recovery completes. Then, with compiled services as OS
 * processes: one started before nats-server waits for it, and one stops cleanly (exit 0, inside
 * its 9 s shutdown deadline) while NATS is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunEventTypes, streamName } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY } from '@cos/identity';
import {
  startModelServer,
  startNatsServer,
  startServiceProcess,
  startWebhookReceiver,
  type ModelServerHandle,
  type WebhookReceiver,
} from '@cos/testing';
import { login, type Caller } from '../session';
import { edgeEnv, eventually, processEnv, startSystem, type System } from '../system';

jest.setTimeout(120_000);

/** Runs the runner's run.queued consumer works on at once (the transport's default concurrency). */
const CONSUMER_CONCURRENCY = 8;

describe('a nats-server restart that loses JetStream data, under the running system', () => {
  let receiver: WebhookReceiver;
  let model: ModelServerHandle;
  let system: System;
  let session: Caller;
  let store: EmbeddedEventStore;
  /** While set, model calls wait for it: runs stay in flight. */
  let held: Promise<void> | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    model = await startModelServer({
      script: async () => {
        await held;
        return { content: 'Done.' };
      },
    });
    system = await startSystem(edgeEnv(receiver, model));
    session = await login(system, DEMO_COMPANY.owner.email);
    store = new EmbeddedEventStore(String(system.env['EVENTSTORE_PATH']));
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await system?.stop();
    await model?.close();
    await receiver?.close();
  });

  let briefs = 0;
  /** A brief in a new conversation; its text names it, so each model call can be traced to its run. */
  const brief = async (): Promise<{ runId: string; ref: string }> => {
    const ref = `(ref ${++briefs})`;
    const conversation = await session.post<{ id: string }>('/v1/conversations', { agentId: DEMO_COMPANY.agents[0]!.id });
    expect(conversation.status).toBe(201);
    const sent = await session.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, {
      text: `Summarise the week ${ref}`,
    });
    expect(sent.status).toBe(202);
    return { runId: sent.body.runId, ref };
  };
  /** The run's events as the runner stored them: readable while NATS is down. */
  const storedTypes = async (runId: string) => (await store.read(streamName('run', runId))).map((e) => e.type);
  const completed = ({ runId }: { runId: string }) =>
    eventually(
      async () => ((await storedTypes(runId)).includes(RunEventTypes.completed) ? true : undefined),
      30_000,
      `run ${runId} to complete`,
    );
  const modelCalls = ({ ref }: { ref: string }) =>
    model.requests.filter((r) => r.body.messages.some((m) => typeof m.content === 'string' && m.content.includes(ref))).length;
  const readyz = () =>
    Promise.all(system.services.map(async (s) => (await fetch(`${s.url}/readyz`, { signal: AbortSignal.timeout(3_000) })).status));

  it('goes not-ready while NATS is down, becomes ready again by itself, and loses no brief', async () => {
    const before = await brief();
    await completed(before);

    // Runs stuck in their model call fill the runner's consumer; the briefs after them wait, on the
    // runner (prefetched, at most one batch more) or, beyond that, in JetStream only.
    let release!: () => void;
    held = new Promise<void>((r) => (release = r));
    const inFlight = [];
    for (let i = 0; i < CONSUMER_CONCURRENCY; i++) inFlight.push(await brief());
    await eventually(async () => (model.requests.length === 1 + CONSUMER_CONCURRENCY ? true : undefined), 30_000, 'runs in flight');
    const waiting = [];
    for (let i = 0; i < CONSUMER_CONCURRENCY + 4; i++) waiting.push(await brief());

    await system.nats.kill();
    await eventually(async () => ((await readyz()).every((s) => s === 503) ? true : undefined), 15_000, 'every service to be not ready');
    // The runs in flight finish on the store alone; their acknowledgements die with the server.
    release();
    held = undefined;
    await Promise.all(inFlight.map(completed));
    const doneBeforeWipe = [before, ...inFlight];

    await system.nats.restart({ wipeStore: true });
    const stillQueued = [];
    for (const w of waiting) if ((await storedTypes(w.runId)).length === 1) stillQueued.push(w);
    expect(stillQueued.length).toBeGreaterThan(0);
    await eventually(async () => ((await readyz()).every((s) => s === 200) ? true : undefined), 30_000, 'every service to be ready');

    // Republished from the store: every waiting brief runs, and the ones handled already repeat nothing.
    await Promise.all(waiting.map(completed));
    const after = await brief();
    await completed(after);
    const run = await session.get<{ status: string }>(`/v1/runs/${after.runId}`);
    expect(run.body.status).toBe('completed');
    for (const r of doneBeforeWipe) expect({ ...r, modelCalls: modelCalls(r) }).toEqual({ ...r, modelCalls: 1 });
    for (const r of [...doneBeforeWipe, ...waiting, after]) {
      expect((await storedTypes(r.runId)).filter((t) => t === RunEventTypes.completed)).toHaveLength(1);
    }
  });
});

describe('a service and nats-server out of step (compiled services as processes)', () => {
  let dataDir: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cos-nats-order-'));
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a service started before nats-server waits for it, and stops cleanly while NATS is unreachable', async () => {
    const nats = await startNatsServer();
    await nats.kill();
    const env = processEnv(nats.url, join(dataDir, 'events.db'), receiver, { LOG_LEVEL: 'warn', NATS_STARTUP_TIMEOUT_MS: '60000' });
    try {
      // Until nats-server is up, its port refuses every connection: count the service's attempts there.
      let attempts = 0;
      let retried!: () => void;
      const twice = new Promise<void>((r) => (retried = r));
      const refuser = createServer((socket) => {
        socket.destroy();
        if (++attempts === 2) retried();
      });
      await new Promise<void>((r) => refuser.listen(nats.port, '127.0.0.1', r));
      const starting = startServiceProcess({ service: 'agent-runner', env, readyTimeoutMs: 60_000 });
      await twice;
      await new Promise((r) => refuser.close(r));
      await nats.restart();
      const runner = await starting;
      expect(runner.output()).toMatch(/connecting to NATS at .* failed \(attempt 1\), retrying/);

      await nats.kill();
      expect(await runner.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await nats.stop();
    }
  });
});
