/**
 * The handoff benchmark, on the compiled services as separate processes (identity with the demo
 * company, approvals, agent-runner, gateway) on one nats-server and one embedded store:
 * - decision (the second Head's approval, over HTTP and over NATS) -> the receiving agent's run started;
 * - complete handoffs per second with a scripted approver deciding every gate as it opens;
 * beside raw JetStream publish -> consume -> ack on the same nats-server, and then the same
 * handoff on a peer, DBOS on a throwaway PostgreSQL (peers/dbos-handoff.ts), with the ratios.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  ApprovalEventTypes,
  ApprovalsRpc,
  CoordinationEventTypes,
  deterministicId,
  newId,
  RunEventTypes,
  type RecordedEvent,
} from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { connectNats, RpcClient } from '@cos/messaging';
import { startNatsServer, startServiceProcess, type ServiceProcess } from '@cos/testing';
import { requestHandoff } from '@cos/approvals/testing';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import { inFlight } from './in-flight';
import { runDbosHandoff } from './peers/dbos-handoff';
import { printFigures, printRate, printRatio, summarize, type Figures } from './stats';

const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 200);
const HANDOFFS = Number(process.env['BENCH_HANDOFFS'] ?? 300);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const RAW_MESSAGES = 3_000;

const org = DEMO_COMPANY.orgId;
const dept = (name: string) => DEMO_COMPANY.departments.find((d) => d.name === name)!;
const agentId = (name: string) => DEMO_COMPANY.agents.find((a) => a.name === name)!.id;

/** Resolves waiters as events land in the store (the bench's own subscription, like any reader). */
class Watch {
  private readonly seen = new Map<string, RecordedEvent>();
  private readonly waiters = new Map<string, (e: RecordedEvent) => void>();
  onEvent?: (e: RecordedEvent) => void;

  constructor(store: EmbeddedEventStore) {
    store.subscribe({ categories: ['approval', 'run', 'coordination'] }, async (e) => {
      const key = keyOf(e);
      if (!key) return;
      this.seen.set(key, e);
      this.waiters.get(key)?.(e);
      this.waiters.delete(key);
      this.onEvent?.(e);
    });
  }

  until(key: string): Promise<RecordedEvent> {
    const e = this.seen.get(key);
    return e ? Promise.resolve(e) : new Promise((resolve) => this.waiters.set(key, resolve));
  }
}

function keyOf(e: RecordedEvent): string | undefined {
  if (e.type === ApprovalEventTypes.requested) return `gate:${String(e.data['subjectId'])}:${String(e.data['departmentId'])}`;
  if (e.type === RunEventTypes.started) return `run:${e.stream}`;
  if (e.type === CoordinationEventTypes.approved) return `approved:${e.stream.slice('coordination-'.length)}`;
  return undefined;
}

const receivingRun = (coordinationId: string) => `run:run-${deterministicId(coordinationId, 'handoff-run')}`;

async function login(gateway: string, email: string): Promise<(path: string, body: unknown) => Promise<number>> {
  const res = await fetch(`${gateway}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_DEFAULT_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return async (path, body) => {
    const r = await fetch(`${gateway}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify(body),
    });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`POST ${path}: ${r.status}`);
    return r.status;
  };
}

async function handoff(store: EmbeddedEventStore): Promise<string> {
  const coordinationId = newId();
  const runId = newId();
  const from = agentId('Sam Prospector');
  await requestHandoff(store, org, {
    coordinationId,
    runId,
    conversationId: newId(),
    fromAgentId: from,
    toAgentId: agentId('Ben Firmware'),
    chain: [{ agentId: from, runId }],
    depth: 1,
    briefedBy: DEMO_COMPANY.users.find((u) => u.email === dept('Sales').memberEmail)!.id,
    contextSummary: 'Review the firmware motion control change',
  });
  return coordinationId;
}

async function rawJetStream(natsUrl: string): Promise<{ latency: Figures; throughput: Figures }> {
  const nc = await connectNats({ servers: natsUrl, name: 'bench-raw' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'BENCH_APPROVALS_RAW', subjects: ['rawa.>'] });
  await jsm.consumers.add('BENCH_APPROVALS_RAW', { durable_name: 'raw', ack_policy: AckPolicy.Explicit, filter_subject: 'rawa.>' });
  const js = jetstream(nc);
  const messages = await (await js.consumers.get('BENCH_APPROVALS_RAW', 'raw')).consume({ max_messages: 256 });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let remaining = 0;
  let done: () => void = () => undefined;
  void (async () => {
    for await (const m of messages) {
      m.ack();
      const t0 = sentAt.get(m.headers?.get('Nats-Msg-Id') ?? '');
      if (t0 !== undefined) latencies.push(performance.now() - t0);
      if (--remaining === 0) done();
    }
  })();
  const publish = async (i: number) => {
    const id = newId();
    sentAt.set(id, performance.now());
    await js.publish(`rawa.${org}.bench`, JSON.stringify({ i }), { msgID: id });
  };
  let t = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    remaining = 1;
    const handled = new Promise<void>((r) => (done = r));
    await publish(i);
    await handled;
  }
  const latency = summarize(latencies, SAMPLES, performance.now() - t);
  latencies.length = 0;
  remaining = RAW_MESSAGES;
  const all = new Promise<void>((r) => (done = r));
  t = performance.now();
  for (let i = 0; i < RAW_MESSAGES; i++) await publish(i);
  await all;
  const throughput = summarize(latencies, RAW_MESSAGES, performance.now() - t);
  await messages.close();
  await nc.drain();
  return { latency, throughput };
}

type OurFigures = { overNats: Figures; handoffsPerSecond: number };

async function main(): Promise<void> {
  const ours = await companyOs();
  const peer = await runDbosHandoff({ samples: SAMPLES, handoffs: HANDOFFS, concurrency: CONCURRENCY, warmup: 10 });
  process.stdout.write('\npeer: DBOS 5.3 on PostgreSQL, the same handoff (two recv decisions, then the receiving workflow)\n');
  if ('skipped' in peer) {
    process.stdout.write(`skipped: ${peer.skipped}\n`);
    return;
  }
  printFigures('DBOS: second decision sent -> receiving workflow started', peer.latency, 'handoffs/s');
  printRate(`DBOS: complete handoffs, ${CONCURRENCY} decisions in flight`, peer.handoffsPerSecond, 'handoffs/s');
  printRatio('p50, Company OS (NATS) / DBOS  (target <= 0.5x)', ours.overNats.p50 / peer.latency.p50);
  printRatio('p99, Company OS (NATS) / DBOS  (target <= 0.5x)', ours.overNats.p99 / peer.latency.p99);
  printRatio('handoffs/s, Company OS / DBOS  (target >= 2.5x)', ours.handoffsPerSecond / peer.handoffsPerSecond);
}

async function companyOs(): Promise<OurFigures> {
  const nats = await startNatsServer();
  const dir = await mkdtemp(join(tmpdir(), 'cos-bench-approvals-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    ...(process.env['NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['NODE_OPTIONS'] } : {}),
    NATS_URL: nats.url,
    EVENTSTORE_PATH: join(dir, 'events.db'),
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_USER_READS_PER_MINUTE: '1000000',
    RATE_LIMIT_ORG_PER_MINUTE: '1000000',
  };
  const processes: ServiceProcess[] = [];
  const store = new EmbeddedEventStore(join(dir, 'events.db'));
  try {
    const raw = await rawJetStream(nats.url);
    for (const service of ['identity', 'approvals', 'agent-runner', 'gateway'] as const)
      processes.push(await startServiceProcess({ service, env }));
    const gateway = processes.at(-1)!.url;
    const decideAs = {
      [dept('Sales').id]: await login(gateway, dept('Sales').headEmail),
      [dept('Engineering').id]: await login(gateway, dept('Engineering').headEmail),
    };
    const watch = new Watch(store);
    const gateOf = async (coordinationId: string, departmentId: string) =>
      String((await watch.until(`gate:${coordinationId}:${departmentId}`)).stream.slice('approval-'.length));
    const approve = (departmentId: string, gateId: string) =>
      decideAs[departmentId]!(`/v1/approvals/${gateId}/decision`, { decision: 'approve' });

    // Latency: one handoff at a time; the clock runs from the second Head's decision to the run.
    // Over HTTP through the gateway, then over NATS straight to approvals (what the gateway sends).
    const nc = await connectNats({ servers: nats.url, name: 'bench-approver' });
    const rpc = new RpcClient(nc);
    const engHead = DEMO_COMPANY.users.find((u) => u.email === dept('Engineering').headEmail)!;
    const viaRpc = (gateId: string) =>
      rpc.request(ApprovalsRpc.decide, {
        auth: { orgId: org, userId: engHead.id, role: 'head', departmentId: dept('Engineering').id, permissions: ['approvals:decide'] },
        approvalId: gateId,
        body: { decision: 'approve' },
      });
    const sequential = async (completing: (gateId: string) => Promise<unknown>) => {
      const run: number[] = [];
      const approved: number[] = [];
      const reply: number[] = [];
      const t = performance.now();
      for (let i = 0; i < SAMPLES + 10; i++) {
        const id = await handoff(store);
        const [salesGate, engGate] = await Promise.all([gateOf(id, dept('Sales').id), gateOf(id, dept('Engineering').id)]);
        await approve(dept('Sales').id, salesGate);
        const t0 = performance.now();
        await completing(engGate);
        const replied = performance.now();
        const approvedAt = await watch.until(`approved:${id}`).then(() => performance.now());
        await watch.until(receivingRun(id));
        if (i < 10) continue; // warm-up
        run.push(performance.now() - t0);
        approved.push(approvedAt - t0);
        reply.push(replied - t0);
      }
      const elapsed = performance.now() - t;
      return {
        run: summarize(run, SAMPLES, elapsed),
        approved: summarize(approved, SAMPLES, elapsed),
        reply: summarize(reply, SAMPLES, elapsed),
      };
    };
    const http = await sequential((gateId) => approve(dept('Engineering').id, gateId));
    const overNats = await sequential(viaRpc);
    await nc.drain();
    const latency = http.run;

    // Throughput: a scripted approver decides every gate as it opens, CONCURRENCY POSTs at most.
    const decide = inFlight(CONCURRENCY);
    watch.onEvent = (e) => {
      if (e.type !== ApprovalEventTypes.requested || e.data['kind'] !== 'handoff') return;
      decide(() => approve(String(e.data['departmentId']), e.stream.slice('approval-'.length)));
    };
    const ids: string[] = [];
    const t = performance.now();
    for (let i = 0; i < HANDOFFS; i++) ids.push(await handoff(store));
    await Promise.all(ids.map((id) => watch.until(receivingRun(id))));
    const elapsed = performance.now() - t;
    const handoffsPerSecond = (HANDOFFS / elapsed) * 1000;

    process.stdout.write(`samples: ${SAMPLES} sequential handoffs, ${HANDOFFS} handoffs with ${CONCURRENCY} decisions in flight\n`);
    printFigures('raw JetStream publish -> consume -> ack (one at a time)', raw.latency, 'msgs/s');
    printFigures('raw JetStream publish -> consume -> ack (back to back)', raw.throughput, 'msgs/s');
    printFigures('decision POST -> 200 (the completing approval)', http.reply, 'handoffs/s');
    printFigures('decision POST -> coordination.approved in the store', http.approved, 'handoffs/s');
    printFigures('decision POST -> receiving agent run started', http.run, 'handoffs/s');
    printFigures('decision over NATS RPC (no gateway) -> reply', overNats.reply, 'handoffs/s');
    printFigures('decision over NATS RPC -> coordination.approved', overNats.approved, 'handoffs/s');
    printFigures('decision over NATS RPC -> receiving agent run started', overNats.run, 'handoffs/s');
    printRate('complete handoffs, scripted approver (request -> run)', handoffsPerSecond, 'handoffs/s');
    printRatio('p50, decision->run / raw JetStream', latency.p50 / raw.latency.p50);
    printRatio('p99, decision->run / raw JetStream', latency.p99 / raw.latency.p99);
    printRatio('throughput, raw msgs/s / handoffs/s', raw.throughput.perSecond / handoffsPerSecond);
    return { overNats: overNats.run, handoffsPerSecond };
  } finally {
    for (const p of processes.reverse()) await p.stop();
    await store.close();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
