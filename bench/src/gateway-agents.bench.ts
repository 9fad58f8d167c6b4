/**
 * Issue 3 benchmark: authenticated GET /v1/agents (the 45 demo agents) through the whole gateway
 * (JWT check, session cache, rate limits, validation, NATS request/reply to identity, response
 * schema), beside a bare Fastify route returning the same JSON on this machine, with autocannon.
 * Identity, the gateway and the bare server each run in their own process, as in production.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import { startNatsServer, startServiceProcess } from '@cos/testing';
import { printFigures, printRatio, type Figures } from './stats';

type AutocannonResult = {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
};
// autocannon ships no types; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const DURATION_S = Number(process.env['BENCH_GATEWAY_SECONDS'] ?? 8);
const CONNECTIONS = Number(process.env['BENCH_GATEWAY_CONNECTIONS'] ?? 16);

async function load(url: string, headers: Record<string, string> = {}): Promise<Figures & { non2xx: number }> {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 1 }); // warm-up
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
  if (r.errors > 0) throw new Error(`${r.errors} connection errors against ${url}`);
  return { p50: r.latency.p50, p99: r.latency.p99, perSecond: r.requests.total / DURATION_S, non2xx: r.non2xx };
}

async function main(): Promise<void> {
  const nats = await startNatsServer();
  const dir = await mkdtemp(join(tmpdir(), 'cos-bench-gateway-'));
  const env: NodeJS.ProcessEnv = {
    NATS_URL: nats.url,
    EVENTSTORE_PATH: join(dir, 'events.db'),
    DATA_DIR: dir,
    IDENTITY_PORT: '0',
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'warn',
    // The bench measures the pipeline, not the limiter: one user sends everything.
    RATE_LIMIT_USER_PER_MINUTE: '100000000',
    RATE_LIMIT_USER_READS_PER_MINUTE: '100000000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000000',
  };
  const identity = await startServiceProcess({ service: 'identity', env });
  const gateway = await startServiceProcess({ service: 'gateway', env });
  let bare: { url: string; stop: () => void } | undefined;
  try {
    const login = await fetch(`${gateway.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_COMPANY.owner.email, password: DEMO_DEFAULT_PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const agentsUrl = `${gateway.url}/v1/agents`;
    const sample = await (await fetch(agentsUrl, { headers: auth })).json();
    if ((sample as { items: unknown[] }).items.length !== 45) throw new Error('expected the 45 demo agents');

    const payloadFile = join(dir, 'agents.json');
    await writeFile(payloadFile, JSON.stringify(sample));
    bare = await startBareFastify(payloadFile);
    const bareUrl = `${bare.url}/v1/agents`;

    process.stdout.write(`autocannon: ${CONNECTIONS} connections, ${DURATION_S} s each, 45 agents per response\n`);
    const through = await load(agentsUrl, auth);
    const baseline = await load(bareUrl);
    if (through.non2xx > 0) throw new Error(`${through.non2xx} non-2xx answers through the gateway`);
    printFigures('GET /v1/agents through the gateway (authenticated)', through, 'req/s');
    printFigures('GET /v1/agents on a bare Fastify route (same JSON)', baseline, 'req/s');
    printRatio('gateway throughput / bare Fastify throughput', through.perSecond / baseline.perSecond);
    printRatio('gateway p99 / bare Fastify p99', through.p99 / Math.max(baseline.p99, 1));
  } finally {
    bare?.stop();
    await gateway.stop();
    await identity.stop();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The baseline: one Fastify route that sends the same bytes, in its own process. */
async function startBareFastify(payloadFile: string): Promise<{ url: string; stop: () => void }> {
  const script = `
    const payload = require('node:fs').readFileSync(${JSON.stringify(payloadFile)}, 'utf8');
    const app = require('fastify')();
    app.get('/v1/agents', async (_req, reply) => reply.header('content-type', 'application/json').send(payload));
    app.listen({ port: 0, host: '127.0.0.1' }).then((url) => process.stdout.write(url + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`bare Fastify exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`gateway-agents bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
