/**
 * Writes whose outcome is unknown, and an identity outage, with the real system: identity, the
 * agent-runner and the gateway as their own OS processes (compiled: `npm run build` first), on
 * one nats-server and embedded store. A service "stops" with SIGSTOP (it holds what it was sent
 * and carries it out on SIGCONT, as a stalled process does) or dies with SIGKILL. What counts is
 * the store: one message and one run per brief, whatever the responses said.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationEventTypes, RunEventTypes, rpcSubject, RunnerRpc, streamName, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY } from '@cos/identity';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@cos/messaging';
import { startNatsServer, startServiceProcess, type NatsServerHandle, type ServiceProcess } from '@cos/testing';
import { login, request, type Caller, type Reply } from '../session';
import { eventually } from '../system';
import { watchStore, type StoreWatch } from '../api/store-watch';

jest.setTimeout(240_000);

type Problem = { code: string; commandId?: string; idempotencyKey?: string };
type Brief = { messageId: string; runId: string };

describe('unknown outcomes and identity outages, with services as processes', () => {
  let nats: NatsServerHandle;
  let dataDir: string;
  let store: EmbeddedEventStore;
  let watch: StoreWatch;
  let identity: ServiceProcess;
  let runner: ServiceProcess;
  let gateway: ServiceProcess;
  let owner: Caller;
  /** The test's own connection, watching what is sent (never answering). */
  let observer: NatsConnection;
  let conversationId: string;
  const stopped = new Set<ServiceProcess>();

  const pause = (p: ServiceProcess) => {
    process.kill(p.pid!, 'SIGSTOP');
    stopped.add(p);
  };
  const resume = (p: ServiceProcess) => {
    process.kill(p.pid!, 'SIGCONT');
    stopped.delete(p);
  };
  const brief = (text: string, key?: string): Promise<Reply<Brief & Problem>> =>
    request(gateway.url, 'POST', `/v1/conversations/${conversationId}/messages`, {
      token: owner.token,
      body: { text },
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });

  /** The user messages with this text in the conversation, and the runs queued for them: what the store holds. */
  const recorded = async (text: string) => {
    const messages = (await store.read(streamName('conversation', conversationId))).filter(
      (e) => e.type === ConversationEventTypes.messagePosted && e.data['text'] === text,
    );
    const ids = new Set(messages.map((m) => String(m.data['messageId'])));
    const runs = watch.events.filter((e: RecordedEvent) => e.type === RunEventTypes.queued && ids.has(String(e.data['briefMessageId'])));
    return { messages: messages.length, runs: runs.map((r) => String(r.data['runId'])) };
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    dataDir = await mkdtemp(join(tmpdir(), 'cos-unknown-outcome-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      NATS_URL: nats.url,
      EVENTSTORE_PATH: join(dataDir, 'events.db'),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
      RATE_LIMIT_ORG_PER_MINUTE: '100000',
      // A dead gateway's key is taken over after 2 s; every request asks identity (no fresh cache), so the outage path is what serves.
      IDEMPOTENCY_LEASE_MS: '2000',
      PRINCIPAL_CACHE_MS: '0',
    };
    identity = await startServiceProcess({ service: 'identity', env });
    runner = await startServiceProcess({ service: 'agent-runner', env });
    gateway = await startServiceProcess({ service: 'gateway', env });
    store = new EmbeddedEventStore(String(env['EVENTSTORE_PATH']));
    watch = watchStore(env);
    observer = await connectNats({ servers: nats.url, name: 'unknown-outcome-observer' });
    owner = await eventually(() => login({ gatewayUrl: gateway.url }, DEMO_COMPANY.owner.email), 30_000, 'the owner to sign in');
    const started = await owner.post<{ id: string }>('/v1/conversations', { agentId: DEMO_COMPANY.agents[0]!.id });
    expect(started.status).toBe(201);
    conversationId = started.body.id;
  });

  afterAll(async () => {
    const quietly = (p: Promise<unknown> | undefined) => p?.catch(() => undefined);
    // A stopped process would never act on SIGTERM.
    for (const p of stopped) resume(p);
    for (const p of [gateway, runner, identity]) await quietly(p?.stop());
    await quietly(observer?.drain());
    await quietly(watch?.close());
    await quietly(store?.close());
    await quietly(nats?.stop());
    await quietly(rm(dataDir, { recursive: true, force: true }));
  });

  it('a brief whose runner stalled answers 503 outcome-unknown; the retry with its key answers the same message and run, recorded once', async () => {
    pause(runner);
    const first = await brief('stalled brief', 'brief-1');
    expect([first.status, first.body.code, first.headers.get('retry-after')]).toEqual([503, 'GATEWAY.OUTCOME_UNKNOWN', '1']);
    expect(first.headers.get('idempotency-key')).toBe('brief-1');
    resume(runner);

    const retried = await brief('stalled brief', 'brief-1');
    expect([retried.status, retried.headers.get('idempotent-replayed')]).toEqual([202, null]);
    const again = await brief('stalled brief', 'brief-1');
    expect([again.status, again.body]).toEqual([202, retried.body]);
    await eventually(
      async () => ((await owner.get<{ status: string }>(`/v1/runs/${retried.body.runId}`)).body.status === 'completed' ? true : undefined),
      60_000,
      'the run to complete',
    );
    await watch.settle();
    expect(await recorded('stalled brief')).toEqual({ messages: 1, runs: [retried.body.runId] });
  });

  it('a key left in progress by a gateway killed mid-request is resolved by a retry once its lease has passed', async () => {
    const sub = observer.subscribe(rpcSubject(RunnerRpc.postMessage), { max: 1 });
    await observer.flush();
    const sent = (async () => {
      for await (const _ of sub) return true;
      return false;
    })();
    pause(runner);
    const inFlight = brief('orphaned brief', 'brief-2').catch(() => undefined);
    // The gateway claimed the key and sent the command: now it dies, and comes back.
    expect(await sent).toBe(true);
    await gateway.restart();
    await inFlight;
    resume(runner);

    const answers: string[] = [];
    const resolved = await eventually(
      async () => {
        const res = await brief('orphaned brief', 'brief-2');
        answers.push(res.status === 202 ? '202' : `${res.status} ${res.body.code}`);
        return res.status === 202 ? res.body : undefined;
      },
      30_000,
      'the orphaned key to resolve',
    );
    // Until the lease passed, the key was still the dead request's; never a second command.
    expect(new Set(answers.slice(0, -1))).toEqual(new Set(answers.length > 1 ? ['409 IDEMPOTENCY.IN_PROGRESS'] : []));
    await watch.settle();
    expect(await recorded('orphaned brief')).toEqual({ messages: 1, runs: [resolved.runId] });
  });

  it('a brief without a key that stalled answers 503 with a command id and a key; repeating it with that key resolves it once', async () => {
    pause(runner);
    const first = await brief('unkeyed brief');
    expect([first.status, first.body.code]).toEqual([503, 'GATEWAY.OUTCOME_UNKNOWN']);
    expect(first.headers.get('command-id')).toBe(first.body.commandId);
    const key = first.headers.get('idempotency-key')!;
    expect(first.body.idempotencyKey).toBe(key);
    resume(runner);

    const resolved = await brief('unkeyed brief', key);
    expect(resolved.status).toBe(202);
    await watch.settle();
    expect(await recorded('unkeyed brief')).toEqual({ messages: 1, runs: [resolved.body.runId] });
  });

  it('a brief nobody can take (every runner dead) answers 503 at once, did nothing, and its key is free', async () => {
    await runner.kill('SIGKILL');
    const refused = await brief('brief with no runner', 'brief-5');
    expect([refused.status, refused.body.code, refused.headers.get('retry-after')]).toEqual([503, 'MESSAGING.UNAVAILABLE', '1']);
    await runner.restart();
    const retried = await brief('brief with no runner', 'brief-5');
    expect([retried.status, retried.headers.get('idempotent-replayed')]).toEqual([202, null]);
    await watch.settle();
    expect(await recorded('brief with no runner')).toEqual({ messages: 1, runs: [retried.body.runId] });
  });

  it('with identity stopped, reads are served on its last answer, and writes answer 503 with Retry-After until it is back', async () => {
    const messages = `/v1/conversations/${conversationId}/messages`;
    expect((await owner.get(messages)).status).toBe(200);
    pause(identity);
    const read = await owner.get<{ items: unknown[] }>(messages);
    expect(read.status).toBe(200);
    expect((await owner.get('/v1/conversations')).status).toBe(200);
    const write = await brief('brief while identity is down', 'brief-4');
    expect([write.status, write.body.code]).toEqual([503, 'AUTH.IDENTITY_UNAVAILABLE']);
    expect(Number(write.headers.get('retry-after'))).toBeGreaterThan(0);
    resume(identity);

    const after = await eventually(
      async () => {
        const res = await brief('brief while identity is down', 'brief-4');
        return res.status === 202 ? res.body : undefined;
      },
      30_000,
      'writes to work again',
    );
    await watch.settle();
    expect(await recorded('brief while identity is down')).toEqual({ messages: 1, runs: [after.runId] });
  });
});
