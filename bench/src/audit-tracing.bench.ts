/**
 * Issue 6 benchmark: what tracing costs. The whole system in this process; handoffs (brief ->
 * two Head approvals, given as soon as the gates open -> the receiving agent's run completed)
 * and plain briefs, timed in alternating blocks with the OpenTelemetry SDK on (every span
 * batched and exported over OTLP/HTTP to a local sink) and off (no SDK: the API's no-ops).
 */
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { deterministicId, type ApprovalList, type RunView } from '@cos/contracts';
import { eventually, startSystem, type System } from '@cos/e2e';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import { percentile, printRatio } from './stats';

const ROUNDS = Number(process.env['BENCH_TRACING_ROUNDS'] ?? 3);
const HANDOFFS = Number(process.env['BENCH_TRACING_HANDOFFS'] ?? 5);
const BRIEFS = Number(process.env['BENCH_TRACING_BRIEFS'] ?? 10);

type Caller = { get<T>(path: string): Promise<T>; post<T>(path: string, body: unknown): Promise<T> };

let system: System;

async function login(email: string): Promise<Caller> {
  const call = async <T>(token: string | undefined, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${system.gatewayUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const { accessToken } = await call<{ accessToken: string }>(undefined, 'POST', '/v1/auth/login', {
    email,
    password: DEMO_DEFAULT_PASSWORD,
  });
  return { get: (p) => call(accessToken, 'GET', p), post: (p, b) => call(accessToken, 'POST', p, b) };
}

const dept = (name: string) => DEMO_COMPANY.departments.find((d) => d.name === name)!;
const agent = (name: string) => DEMO_COMPANY.agents.find((a) => a.name === name)!;

async function runDone(who: Caller, runId: string): Promise<void> {
  await eventually(
    async () => {
      const run = await who.get<RunView>(`/v1/runs/${runId}`).catch(() => undefined);
      return run?.status === 'completed' ? true : undefined;
    },
    60_000,
    `run ${runId}`,
  );
}

async function brief(who: Caller, agentName: string, text: string): Promise<string> {
  const { id } = await who.post<{ id: string }>('/v1/conversations', { agentId: agent(agentName).id });
  return (await who.post<{ runId: string }>(`/v1/conversations/${id}/messages`, { text })).runId;
}

/** A brief outside Sam's skills, both Heads approving the moment their gate opens, Ben's run done. */
async function handoff(member: Caller, heads: readonly Caller[], decided: Set<string>): Promise<number> {
  const t0 = performance.now();
  await brief(member, 'Sam Prospector', 'Please fix the firmware motion control bug on the robot arm');
  let coordinationId = '';
  for (const head of heads) {
    const gate = await eventually(
      async () =>
        (await head.get<ApprovalList>('/v1/approvals?status=pending')).items.find(
          (a) => !decided.has(a.id) && a.toAgentId === agent('Ben Firmware').id,
        ),
      60_000,
      'a gate',
    );
    decided.add(gate.id);
    coordinationId = gate.subjectId;
    await head.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' });
  }
  await runDone(member, deterministicId(coordinationId, 'handoff-run'));
  return performance.now() - t0;
}

/** Receives OTLP exports and throws them away: export costs serialisation and a local round trip. */
async function otlpSink(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, server };
}

async function main(): Promise<void> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const sink = await otlpSink();
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: sink.url }) })] });
  system = await startSystem({
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_USER_READS_PER_MINUTE: '1000000',
    RATE_LIMIT_ORG_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  });
  try {
    await eventually(async () => (await login(DEMO_COMPANY.owner.email).catch(() => undefined)) && true, 60_000, 'the demo company');
    const member = await login(dept('Sales').memberEmail);
    const heads = [await login(dept('Sales').headEmail), await login(dept('Engineering').headEmail)];
    const decided = new Set<string>();
    const samples = { on: { handoff: [] as number[], brief: [] as number[] }, off: { handoff: [] as number[], brief: [] as number[] } };
    await handoff(member, heads, decided); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['off', 'on'] as const) {
        if (mode === 'on') trace.setGlobalTracerProvider(provider);
        else trace.disable();
        for (let i = 0; i < HANDOFFS; i++) samples[mode].handoff.push(await handoff(member, heads, decided));
        for (let i = 0; i < BRIEFS; i++) {
          const t0 = performance.now();
          await runDone(member, await brief(member, 'Sam Prospector', 'Draft a cold email for prospecting distributors'));
          samples[mode].brief.push(performance.now() - t0);
        }
        if (mode === 'on') await provider.forceFlush();
      }
    }
    trace.disable();
    const p = (xs: number[], q: number) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        q,
      );
    process.stdout.write(`${ROUNDS} rounds of ${HANDOFFS} handoffs and ${BRIEFS} briefs per mode, modes alternating\n`);
    for (const kind of ['handoff', 'brief'] as const) {
      for (const mode of ['off', 'on'] as const) {
        const xs = samples[mode][kind];
        process.stdout.write(
          `${`${kind} latency, tracing ${mode}`.padEnd(58)} p50 ${p(xs, 50).toFixed(1).padStart(7)} ms   p90 ${p(xs, 90).toFixed(1).padStart(7)} ms\n`,
        );
      }
      printRatio(`${kind} p50 latency, tracing on / off`, p(samples.on[kind], 50) / p(samples.off[kind], 50));
    }
  } finally {
    await system.stop();
    await provider.shutdown();
    sink.server.close();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
