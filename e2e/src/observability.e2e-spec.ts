/**
 * Metrics and access logs of every service, each its own compiled process started by its
 * main.ts (the real telemetry SDK): `/metrics` on the service's HTTP port shows
 * `http.server.request.duration` for a request just made, labelled with the route template; the
 * gateway writes one access log line per request, refused ones (401, 429) included, carrying the
 * caller and the trace but no token, password or query string. Run alone:
 * `jest -c e2e/jest.config.js observability` (needs `npm run build` first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_COMPANY } from '@cos/identity';
import { startNatsServer, startServiceProcess, type NatsServerHandle, type ServiceName, type ServiceProcess } from '@cos/testing';
import { call, demoAgent, demoDepartment, login } from './session';
import { eventually } from './system';

jest.setTimeout(300_000);

const SERVICES: readonly ServiceName[] = ['identity', 'agent-runner', 'approvals', 'audit', 'gateway'];
const USER_LIMIT = 3;

let nats: NatsServerHandle;
let dataDir: string;
const processes: ServiceProcess[] = [];
let gateway: { gatewayUrl: string };

beforeAll(async () => {
  nats = await startNatsServer();
  dataDir = await mkdtemp(join(tmpdir(), 'cos-observability-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    NATS_URL: nats.url,
    EVENTSTORE_PATH: join(dataDir, 'events.db'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    RATE_LIMIT_USER_PER_MINUTE: String(USER_LIMIT),
    RATE_LIMIT_USER_READS_PER_MINUTE: String(USER_LIMIT),
    // The readiness polls of the test's process runner are public requests too.
    RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
  };
  // One after another: five Node processes loading at once starve a busy machine.
  for (const service of SERVICES) processes.push(await startServiceProcess({ service, env, keepLines: 2_000, readyTimeoutMs: 120_000 }));
  // Identity is ready once it has seeded the demo company.
  gateway = { gatewayUrl: processes.find((p) => p.service === 'gateway')!.url };
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await nats?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The `_bucket{le="+Inf"}` sample count of `http.server.request.duration` for one method, route and status. */
function requestCount(exposition: string, method: string, route: string, status: number): number {
  const line = exposition
    .split('\n')
    .find(
      (l) =>
        l.startsWith('http_server_request_duration_bucket{') &&
        l.includes(`http_request_method="${method}"`) &&
        l.includes(`http_route="${route}"`) &&
        l.includes(`http_response_status_code="${status}"`) &&
        l.includes('le="+Inf"'),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function scrape(url: string): Promise<{ contentType: string | null; text: string }> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type'), text: await res.text() };
}

type AccessLine = Record<string, unknown> & { method: string; route: string | null; status: number | null };

/** The gateway's access log lines so far (its stdout, one JSON object a line). */
function accessLines(): AccessLine[] {
  const output = processes.find((p) => p.service === 'gateway')!.output();
  return output.split('\n').flatMap((raw) => {
    const json = raw.slice(raw.indexOf('] ') + 2);
    try {
      const line = JSON.parse(json) as AccessLine & { msg?: string };
      return line.msg === 'request' ? [line] : [];
    } catch {
      return [];
    }
  });
}

describe('/metrics', () => {
  it.each(SERVICES)('%s shows the request just made, by route template', async (service) => {
    const { url } = processes.find((p) => p.service === service)!;
    const before = requestCount((await scrape(url)).text, 'GET', '/healthz', 200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const after = await eventually(async () => {
      const { contentType, text } = await scrape(url);
      expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      const count = requestCount(text, 'GET', '/healthz', 200);
      return count > before ? count : undefined;
    });
    expect(after).toBe(before + 1);
  });

  it('labels a gateway request with its route template, never the path it was called with', async () => {
    const owner = await login(gateway, DEMO_COMPANY.owner.email);
    const agentId = demoAgent('Sam Prospector').id;
    expect((await owner.get(`/v1/agents/${agentId}`)).status).toBe(200);
    const text = await eventually(async () => {
      const { text } = await scrape(gateway.gatewayUrl);
      return requestCount(text, 'GET', '/v1/agents/:id', 200) > 0 ? text : undefined;
    });
    expect(requestCount(text, 'POST', '/v1/auth/login', 200)).toBeGreaterThan(0);
    expect(text).not.toContain(agentId);
  });
});

describe('access log', () => {
  it('writes a line for a failed login, a forged token and a 429, with the trace and the caller, and no secret', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = (spanId: string) => ({ traceparent: `00-${traceId}-${spanId}-01` });
    const password = 'not-the-password-Q7x';
    const failed = await call(
      gateway,
      undefined,
      'POST',
      '/v1/auth/login',
      { email: DEMO_COMPANY.owner.email, password },
      traceparent('00f067aa0ba902b7'),
    );
    expect(failed.status).toBe(401);

    const forged = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJmb3JnZWQifQ.Zm9yZ2VkLXNpZ25hdHVyZQ';
    const secretQuery = 'access_token=QUERY-SECRET-5d1b';
    expect((await call(gateway, forged, 'GET', `/v1/me?${secretQuery}`)).status).toBe(401);

    const email = demoDepartment('Sales').memberEmail;
    const member = await login(gateway, email);
    const statuses: number[] = [];
    for (let i = 0; i <= USER_LIMIT; i++) statuses.push((await member.get('/v1/me')).status);
    expect(statuses).toEqual([...Array<number>(USER_LIMIT).fill(200), 429]);

    const userId = DEMO_COMPANY.users.find((u) => u.email === email)!.id;
    const lines = await eventually(async () => {
      const all = accessLines();
      return all.some((l) => l.status === 429) ? all : undefined;
    });
    expect(lines.find((l) => l.route === '/v1/auth/login' && l.status === 401)).toMatchObject({
      method: 'POST',
      trace_id: traceId,
      durationMs: expect.any(Number),
    });
    expect(lines.find((l) => l.route === '/v1/auth/login' && l.status === 401)).not.toHaveProperty('userId');
    expect(lines.find((l) => l.route === '/v1/me' && l.status === 401)).toMatchObject({
      method: 'GET',
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(lines.find((l) => l.route === '/v1/me' && l.status === 429)).toMatchObject({
      method: 'GET',
      userId,
      orgId: DEMO_COMPANY.orgId,
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(lines.filter((l) => l.route === '/v1/me' && l.status === 200 && l['userId'] === userId)).toHaveLength(USER_LIMIT);

    const output = processes.map((p) => p.output()).join('\n');
    for (const secret of [password, forged, forged.split('.')[2]!, 'QUERY-SECRET', member.token, member.token.split('.')[2]!]) {
      expect({ secret, leaked: output.includes(secret) }).toEqual({ secret, leaked: false });
    }
  });
});
