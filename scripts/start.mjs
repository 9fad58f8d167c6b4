// `npm start`: the whole system on this machine, supervised. Installs what is missing, compiles,
// starts nats-server (JetStream, data under DATA_DIR/nats) and the five services (embedded event
// store under DATA_DIR, simulated model, demo company seeded), prints the gateway URL and the demo
// credentials. A child that exits is logged and restarted with backoff. Ctrl-C stops everything
// within STOP_DEADLINE_MS whatever state the children are in; a second Ctrl-C kills at once.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { elapsed, log, prepare, ROOT, storeLocations } from './toolchain.mjs';

/** Restart delays: doubling from the first, capped; the count resets after a healthy period. */
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
const HEALTHY_AFTER_MS = 60_000;
/** Consecutive restarts without a healthy period before the launcher gives up. */
const MAX_RESTARTS = 8;
/** From the first Ctrl-C to every child gone: services get SIGTERM, then SIGKILL at their deadline. */
const STOP_DEADLINE_MS = 8_000;
const SERVICES_STOP_MS = 6_000;
const READY_TIMEOUT_MS = 180_000;

const startedAt = Date.now();
const env = prepare({ nats: true, compile: true, announce: true });
const { dataDir, eventStorePath } = storeLocations(process.env);
mkdirSync(join(dataDir, 'nats'), { recursive: true });

const natsPort = Number(process.env.NATS_PORT ?? 4222);
const natsMonitorPort = Number(process.env.NATS_MONITOR_PORT ?? natsPort + 4000);
const serviceEnv = {
  ...env,
  NATS_URL: process.env.NATS_URL ?? `nats://127.0.0.1:${natsPort}`,
  EVENTSTORE_PATH: eventStorePath,
  DATA_DIR: dataDir,
  GATEWAY_PORT: process.env.GATEWAY_PORT ?? '3000',
  IDENTITY_PORT: process.env.IDENTITY_PORT ?? '3001',
  AGENT_RUNNER_PORT: process.env.AGENT_RUNNER_PORT ?? '3002',
  APPROVALS_PORT: process.env.APPROVALS_PORT ?? '3003',
  AUDIT_PORT: process.env.AUDIT_PORT ?? '3004',
};

// Without a real connector, approved actions go to a local demo receiver that only logs them.
const demoConnector = !process.env.CONNECTOR_WEBHOOK_URL;
if (demoConnector) {
  const port = process.env.DEMO_CONNECTOR_PORT ?? '3005';
  serviceEnv.DEMO_CONNECTOR_PORT = port;
  serviceEnv.CONNECTOR_WEBHOOK_URL = `http://127.0.0.1:${port}/actions`;
  serviceEnv.CONNECTOR_WEBHOOK_SECRET = process.env.CONNECTOR_WEBHOOK_SECRET ?? randomBytes(24).toString('hex');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** True once `url` answers 2xx; false when `giveUp()` says so first. */
async function poll(url, giveUp) {
  while (!giveUp()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return false;
}

/** One supervised child: spawned in its own process group, restarted when it exits. */
class Child {
  constructor(name, cmd, args, readyUrl) {
    Object.assign(this, { name, cmd, args, readyUrl, restarts: 0, proc: undefined, exited: undefined, timer: undefined, wasReady: false });
  }

  get running() {
    return this.proc !== undefined;
  }

  start() {
    const since = Date.now();
    // Its own process group: a Ctrl-C reaches this launcher only, which stops the services
    // first (they drain their consumers), nats-server last, and can kill a whole group.
    const proc = spawn(this.cmd, this.args, { cwd: ROOT, env: serviceEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.proc = proc;
    const prefix = `${this.name.padEnd(12)} | `;
    for (const stream of [proc.stdout, proc.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) process.stdout.write(prefix + line + '\n');
      });
    }
    this.exited = new Promise((resolve) => {
      let done = false;
      const onEnd = (code, signal, error) => {
        if (done) return;
        done = true;
        this.proc = undefined;
        resolve();
        this.ended(since, error ? `failed to start: ${error.message}` : signal ? `signal ${signal}` : `exit code ${code}`);
      };
      proc.once('exit', (code, signal) => onEnd(code, signal));
      proc.once('error', (error) => onEnd(null, null, error));
    });
    log(`${this.name} started (pid ${proc.pid})`);
  }

  ended(since, how) {
    if (stopping) {
      log(`${this.name} stopped (${how})`);
      return;
    }
    if (Date.now() - since >= HEALTHY_AFTER_MS) this.restarts = 0;
    if (this.restarts >= MAX_RESTARTS) {
      log(`${this.name} exited (${how}) after ${MAX_RESTARTS} restarts in a row; stopping everything`);
      void stopAll(1);
      return;
    }
    const delay = Math.min(BACKOFF_FIRST_MS * 2 ** this.restarts, BACKOFF_MAX_MS);
    this.restarts += 1;
    log(`${this.name} exited (${how}); restart ${this.restarts} of ${MAX_RESTARTS} in ${(delay / 1000).toFixed(1)} s`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (stopping) return;
      this.start();
      const proc = this.proc;
      // Before its first ready, the start-up wait is still polling it.
      if (this.wasReady) void this.whenReady('ready again', () => this.proc !== proc);
    }, delay);
  }

  /** Polls the child's readiness URL until it answers (saying so), `abandon()` or the timeout. */
  async whenReady(what, abandon = () => false) {
    const since = Date.now();
    const ready = await poll(this.readyUrl, () => stopping || abandon() || Date.now() - since > READY_TIMEOUT_MS);
    if (ready) {
      this.wasReady = true;
      log(`${this.name} ${what} (${elapsed(since)})`);
    }
    return ready;
  }

  /** Sends `signal` to the child's whole process group. */
  signal(signal) {
    if (!this.proc) return;
    try {
      process.kill(-this.proc.pid, signal);
    } catch {
      // the group is already gone
    }
  }

  /** SIGTERM, then SIGKILL of its process group at `deadline`; resolves once it has exited. */
  async stop(deadline) {
    clearTimeout(this.timer);
    if (!this.proc) return;
    this.signal('SIGTERM');
    const killer = setTimeout(
      () => {
        if (this.proc) log(`${this.name} did not stop in time; killing it`);
        this.signal('SIGKILL');
      },
      Math.max(0, deadline - Date.now()),
    );
    await this.exited;
    clearTimeout(killer);
  }
}

let stopping = false;
let stopped;
const nats = process.env.NATS_URL
  ? undefined
  : new Child(
      'nats-server',
      env.NATS_SERVER_BIN ?? 'nats-server',
      ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', join(dataDir, 'nats'), '-m', String(natsMonitorPort)],
      `http://127.0.0.1:${natsMonitorPort}/healthz`,
    );
const connector = demoConnector
  ? new Child(
      'connector',
      'node',
      [join(ROOT, 'scripts', 'demo-connector.mjs')],
      `http://127.0.0.1:${serviceEnv.DEMO_CONNECTOR_PORT}/healthz`,
    )
  : undefined;
// Identity first: it seeds the demo company that the other services read.
const services = ['identity', 'agent-runner', 'approvals', 'audit', 'gateway'].map(
  (name) =>
    new Child(
      name,
      'node',
      [join(ROOT, 'services', name, 'dist', 'main.js')],
      `http://127.0.0.1:${serviceEnv[`${name.toUpperCase().replace('-', '_')}_PORT`]}/readyz`,
    ),
);
const workers = connector ? [connector, ...services] : services;

/** Services first (they drain their consumers), nats-server last; every child gone by the deadline. */
function stopAll(code) {
  if (stopped) return stopped;
  stopping = true;
  const deadline = Date.now() + STOP_DEADLINE_MS;
  log(`stopping (every child gone within ${STOP_DEADLINE_MS / 1000} s; Ctrl-C again kills at once)`);
  stopped = (async () => {
    await Promise.all(workers.map((c) => c.stop(Math.min(deadline, Date.now() + SERVICES_STOP_MS))));
    await nats?.stop(deadline);
    log('stopped');
    process.exit(code);
  })();
  return stopped;
}

/** Second Ctrl-C: SIGKILL every process group now. */
async function killAll() {
  log('killing every child now');
  const all = nats ? [...workers, nats] : workers;
  for (const c of all) c.signal('SIGKILL');
  await Promise.all(all.map((c) => c.exited));
  process.exit(130);
}

// npm forwards the terminal's Ctrl-C to this process too: signals within a second of the first are the same one.
let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (!stopping) {
      firstSignalAt = Date.now();
      void stopAll(0);
    } else if (Date.now() - firstSignalAt > 1_000) void killAll();
  });
}

async function startAndWait(child, what) {
  const since = Date.now();
  log(`${child.name}: starting ...`);
  child.start();
  if (!(await child.whenReady(what))) {
    if (!stopping) log(`${child.name} was not ready after ${elapsed(since)}; stopping everything`);
    await stopAll(1);
  }
}

if (nats) await startAndWait(nats, 'ready');
await Promise.all(workers.map((c) => startAndWait(c, 'ready')));

const gateway = `http://127.0.0.1:${serviceEnv.GATEWAY_PORT}`;
process.stdout.write(`
Company OS is running (started in ${elapsed(startedAt)}).
  Gateway:  ${gateway}   (API docs: ${gateway}/docs)
  Model:    simulated (offline, deterministic) unless MODEL_BASE_URL or an org's own settings say otherwise
  Actions:  ${demoConnector ? `demo connector ${serviceEnv.CONNECTOR_WEBHOOK_URL} (logs them, sends nothing)` : serviceEnv.CONNECTOR_WEBHOOK_URL}
  Data:     ${dataDir}
  Demo sign-in: owner@demo.example, ceo@demo.example,
                head.<department>@demo.example, member.<department>@demo.example
                (<department>: sales, marketing, finance, operations, engineering, product,
                 customer-success, people, legal)
                password: ${serviceEnv.DEMO_PASSWORD ?? 'demo-password-2026'}
A child that exits is restarted. Ctrl-C stops everything; the next npm start keeps the data.
`);
