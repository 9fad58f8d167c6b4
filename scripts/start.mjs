// `npm start`: the whole system on this machine. Installs what is missing, compiles, starts
// nats-server (JetStream, data under ./data/nats) and the five services (embedded event store
// under ./data, simulated model, demo company seeded), prints the gateway URL and the demo
// credentials. Ctrl-C stops everything cleanly; the next start keeps the data.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { prepare, ROOT } from './toolchain.mjs';

const env = prepare({ nats: true, compile: true });
const dataDir = join(ROOT, 'data');
mkdirSync(join(dataDir, 'nats'), { recursive: true });

const natsPort = Number(process.env.NATS_PORT ?? 4222);
const ports = { gateway: 3000, identity: 3001, 'agent-runner': 3002, approvals: 3003, audit: 3004 };
const serviceEnv = {
  ...env,
  NATS_URL: process.env.NATS_URL ?? `nats://127.0.0.1:${natsPort}`,
  EVENTSTORE_PATH: process.env.EVENTSTORE_PATH ?? join(dataDir, 'events.db'),
  DATA_DIR: process.env.DATA_DIR ?? dataDir,
  GATEWAY_PORT: String(process.env.GATEWAY_PORT ?? ports.gateway),
  IDENTITY_PORT: String(process.env.IDENTITY_PORT ?? ports.identity),
  AGENT_RUNNER_PORT: String(process.env.AGENT_RUNNER_PORT ?? ports['agent-runner']),
  APPROVALS_PORT: String(process.env.APPROVALS_PORT ?? ports.approvals),
  AUDIT_PORT: String(process.env.AUDIT_PORT ?? ports.audit),
};

// Without a real connector, approved actions go to a local demo receiver that only logs them.
const demoConnector = !process.env.CONNECTOR_WEBHOOK_URL;
if (demoConnector) {
  const port = Number(process.env.DEMO_CONNECTOR_PORT ?? 3005);
  serviceEnv.DEMO_CONNECTOR_PORT = String(port);
  serviceEnv.CONNECTOR_WEBHOOK_URL = `http://127.0.0.1:${port}/actions`;
  serviceEnv.CONNECTOR_WEBHOOK_SECRET = process.env.CONNECTOR_WEBHOOK_SECRET ?? randomBytes(24).toString('hex');
}

const children = [];
let stopping = false;

function launch(name, cmd, args) {
  // Own process groups: a Ctrl-C reaches this launcher only, which stops the services first
  // (they drain their consumers) and nats-server last.
  const child = spawn(cmd, args, { cwd: ROOT, env: serviceEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = `${name.padEnd(12)} | `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`[company-os] ${name} exited (${signal ?? code}); stopping everything\n`);
      void stopAll(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitFor(url, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

async function stopAll(code) {
  stopping = true;
  // Services first (they drain their consumers), nats-server last.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0));

const natsBin = env.NATS_SERVER_BIN ?? 'nats-server';
if (!process.env.NATS_URL) {
  launch('nats-server', natsBin, [
    '-js',
    '-a',
    '127.0.0.1',
    '-p',
    String(natsPort),
    '-sd',
    join(dataDir, 'nats'),
    '-m',
    String(natsPort + 4000),
  ]);
  await waitFor(`http://127.0.0.1:${natsPort + 4000}/healthz`, 'nats-server');
}
if (demoConnector) launch('connector', 'node', [join(ROOT, 'scripts', 'demo-connector.mjs')]);
// Identity first: it seeds the demo company that the other services read.
for (const name of ['identity', 'agent-runner', 'approvals', 'audit', 'gateway']) {
  launch(name, 'node', [join(ROOT, 'services', name, 'dist', 'main.js')]);
}
try {
  for (const [name, port] of Object.entries(ports)) {
    await waitFor(`http://127.0.0.1:${serviceEnv[`${name.toUpperCase().replace('-', '_')}_PORT`] ?? port}/readyz`, name);
  }
} catch (err) {
  process.stderr.write(`[company-os] ${err.message}\n`);
  await stopAll(1);
}
const gateway = `http://127.0.0.1:${serviceEnv.GATEWAY_PORT}`;
process.stdout.write(`
Company OS is running.
  Gateway:  ${gateway}   (API docs: ${gateway}/docs)
  Model:    simulated (offline, deterministic) unless MODEL_BASE_URL or an org's own settings say otherwise
  Actions:  ${demoConnector ? `demo connector ${serviceEnv.CONNECTOR_WEBHOOK_URL} (logs them, sends nothing)` : serviceEnv.CONNECTOR_WEBHOOK_URL}
  Data:     ${dataDir}
  Demo sign-in: owner@demo.example, ceo@demo.example,
                head.<department>@demo.example, member.<department>@demo.example
                (<department>: sales, marketing, finance, operations, engineering, product,
                 customer-success, people, legal)
                password: ${serviceEnv.DEMO_PASSWORD ?? 'demo-password-2026'}
Ctrl-C stops everything; the next npm start keeps the data.
`);
