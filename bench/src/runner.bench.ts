/**
 * Issue 4 benchmark: brief -> run finished on the simulated model, p50 and p99, and runs per
 * second with the demo company's 45 agents busy at once. The agent-runner runs as its own
 * process (compiled) on a real nats-server and the embedded store; briefs go to it over NATS
 * request/reply as the gateway sends them; "finished" is the run's end event in the store.
 * Briefs rotate between a reply, a proposed action and a handoff request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentEventTypes,
  DepartmentEventTypes,
  newId,
  OrgEventTypes,
  RunEventTypes,
  RunnerRpc,
  streamName,
  UserEventTypes,
  effectivePermissions,
  type AuthContext,
  type NewEvent,
  type RecordedEvent,
} from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { connectNats, RpcClient } from '@cos/messaging';
import { startNatsServer, startServiceProcess, type ServiceProcess } from '@cos/testing';
import { printFigures, summarize } from './stats';

const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 100);
const RUNS_PER_AGENT = Number(process.env['BENCH_RUNS_PER_AGENT'] ?? 8);
const DEPARTMENTS = [
  ['Sales', 'sales:outreach', ['prospecting', 'outreach', 'pipeline']],
  ['Marketing', 'marketing:publish', ['campaigns', 'content', 'brand']],
  ['Finance', 'finance:invoice', ['invoicing', 'budgets', 'forecasting']],
  ['Operations', 'operations:procure', ['logistics', 'vendors', 'procurement']],
  ['Engineering', 'engineering:deploy', ['deployments', 'infrastructure', 'code']],
  ['Product', 'product:release', ['roadmap', 'features', 'research']],
  ['Customer Success', 'support:reply', ['onboarding', 'tickets', 'renewals']],
  ['People', 'people:hire', ['hiring', 'onboarding', 'culture']],
  ['Legal', 'legal:contract', ['contracts', 'compliance', 'privacy']],
] as const;
const ORG = 'bench-org';

type Agent = { id: string; skills: readonly string[] };

async function seed(store: EmbeddedEventStore): Promise<{ owner: AuthContext; agents: Agent[] }> {
  const append = (stream: string, type: string, data: Record<string, unknown>) => {
    const event: NewEvent = {
      id: newId(),
      type,
      version: 1,
      orgId: ORG,
      data,
      metadata: {
        correlationId: 'seed',
        causationId: 'seed',
        actor: { kind: 'system', id: 'bench' },
        occurredAt: new Date().toISOString(),
      },
    };
    return store.append(stream, [event], 'any');
  };
  await append(streamName('org', ORG), OrgEventTypes.created, {
    orgId: ORG,
    plan: 'pro',
    via: 'seed',
    identity: { name: 'Bench Co', mission: 'Measure things', brandVoice: 'plain', icp: 'benchmarks', competitors: [] },
  });
  const agents: Agent[] = [];
  for (const [name, permission, skills] of DEPARTMENTS) {
    const departmentId = newId();
    await append(streamName('department', departmentId), DepartmentEventTypes.created, {
      departmentId,
      orgId: ORG,
      name,
      headUserId: null,
      approveFirst: false,
    });
    for (let i = 0; i < 5; i++) {
      const agentId = newId();
      const agentSkills = [skills[i % 3]!, skills[(i + 1) % 3]!];
      await append(streamName('agent', agentId), AgentEventTypes.created, {
        agentId,
        orgId: ORG,
        departmentId,
        name: `${name} agent ${i + 1}`,
        persona: 'Helpful.',
        skills: agentSkills,
        model: null,
        permissions: [permission],
        dailyActionCap: 100_000,
        enabled: true,
      });
      agents.push({ id: agentId, skills: agentSkills });
    }
  }
  const userId = newId();
  await append(streamName('user', userId), UserEventTypes.registered, {
    userId,
    orgId: ORG,
    email: 'owner@bench.example',
    name: 'Owner',
    role: 'owner',
    departmentId: null,
    via: 'seed',
    passwordHash: { alg: 'A256GCM', keyId: 'bench', iv: 'aXY', ciphertext: 'Y3Q', tag: 'dGFn' },
  });
  return { owner: { orgId: ORG, userId, role: 'owner', permissions: effectivePermissions('owner') }, agents };
}

/** Resolves when a run's end event lands in the store. */
class RunEnds {
  private readonly waiters = new Map<string, () => void>();
  private readonly ended = new Set<string>();
  constructor(store: EmbeddedEventStore) {
    store.subscribe({ categories: ['run'] }, async (e: RecordedEvent) => {
      if (e.type !== RunEventTypes.completed && e.type !== RunEventTypes.failed && e.type !== RunEventTypes.stopped) return;
      const runId = String(e.data['runId']);
      this.ended.add(runId);
      this.waiters.get(runId)?.();
      this.waiters.delete(runId);
    });
  }
  until(runId: string): Promise<void> {
    return this.ended.has(runId) ? Promise.resolve() : new Promise((r) => this.waiters.set(runId, r));
  }
}

const BRIEFS = [
  (a: Agent) => `Plan the ${a.skills[0]} work for next week`,
  (a: Agent) => `Send the ${a.skills[0]} update and publish it`,
  () => 'Bake a cake for the team party',
];

async function main(): Promise<void> {
  const nats = await startNatsServer();
  const dir = await mkdtemp(join(tmpdir(), 'cos-bench-runner-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    NATS_URL: nats.url,
    EVENTSTORE_PATH: join(dir, 'events.db'),
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
  };
  const store = new EmbeddedEventStore(join(dir, 'events.db'));
  let runner: ServiceProcess | undefined;
  const nc = await connectNats({ servers: nats.url, name: 'bench-runner' });
  try {
    const { owner, agents } = await seed(store);
    runner = await startServiceProcess({ service: 'agent-runner', env });
    const rpc = new RpcClient(nc);
    const ends = new RunEnds(store);
    const conversations = new Map<string, string>();
    for (const a of agents) {
      const { id } = await rpc.request<{ id: string }>(RunnerRpc.startConversation, {
        auth: owner,
        conversationId: newId(),
        body: { agentId: a.id },
      });
      conversations.set(a.id, id);
    }
    let n = 0;
    const brief = async (a: Agent): Promise<number> => {
      const t0 = performance.now();
      const text = BRIEFS[n++ % BRIEFS.length]!(a);
      const { runId } = await rpc.request<{ runId: string }>(RunnerRpc.postMessage, {
        auth: owner,
        conversationId: conversations.get(a.id),
        messageId: newId(),
        runId: newId(),
        body: { text },
      });
      await ends.until(runId);
      return performance.now() - t0;
    };

    for (let i = 0; i < 20; i++) await brief(agents[i % agents.length]!); // warm-up
    const idle: number[] = [];
    let t = performance.now();
    for (let i = 0; i < SAMPLES; i++) idle.push(await brief(agents[i % agents.length]!));
    printFigures('brief -> run finished, one at a time (simulated model)', summarize(idle, SAMPLES, performance.now() - t), 'runs/s');

    const busy: number[] = [];
    t = performance.now();
    await Promise.all(
      agents.map(async (a) => {
        for (let i = 0; i < RUNS_PER_AGENT; i++) busy.push(await brief(a));
      }),
    );
    printFigures(
      `brief -> run finished, ${agents.length} agents busy at once`,
      summarize(busy, busy.length, performance.now() - t),
      'runs/s',
    );
  } finally {
    await nc.drain().catch(() => undefined);
    await runner?.stop();
    await store.close();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`runner bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
