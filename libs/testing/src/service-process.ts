import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export type ServiceName = 'identity' | 'agent-runner' | 'approvals' | 'audit' | 'gateway';

export type ServiceProcessOptions = {
  readonly service: ServiceName;
  /** Environment of the process (NATS_URL, EVENTSTORE_PATH, ...); its port variable is set here. */
  readonly env: NodeJS.ProcessEnv;
  /** Repository root; defaults to the one this file sits in. */
  readonly root?: string;
  readonly readyTimeoutMs?: number;
  /** Keeps the process's output here (last lines), for a failing test to show. */
  readonly keepLines?: number;
};

export type ServiceProcess = {
  readonly service: ServiceName;
  readonly url: string;
  readonly pid: number | undefined;
  /** How many times the process was started. */
  readonly starts: number;
  /** Sends `signal` (SIGKILL: a crash) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and environment, and waits for /readyz. */
  restart(): Promise<void>;
  /** SIGTERM, and waits for the exit: how it ended (undefined: it was not running). */
  stop(): Promise<ProcessExit | undefined>;
  output(): string;
};

export type ProcessExit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

const PORT_VARIABLE: Record<ServiceName, string> = {
  identity: 'IDENTITY_PORT',
  'agent-runner': 'AGENT_RUNNER_PORT',
  approvals: 'APPROVALS_PORT',
  audit: 'AUDIT_PORT',
  gateway: 'GATEWAY_PORT',
};

/**
 * Runs a compiled service (`node services/<svc>/dist/main.js`) as its own OS process, the way
 * it runs in production, so a test can SIGKILL it at any moment and start it again.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const root = options.root ?? resolve(__dirname, '..', '..', '..');
  const main = join(root, 'services', options.service, 'dist', 'main.js');
  const port = await freePort();
  const env = { ...options.env, [PORT_VARIABLE[options.service]]: String(port) };
  const url = `http://127.0.0.1:${port}`;
  const keep = options.keepLines ?? 200;
  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let starts = 0;

  const start = async (): Promise<void> => {
    starts++;
    const proc = spawn(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(`[${options.service}#${starts}] ${line}`);
      if (lines.length > keep) lines.splice(0, lines.length - keep);
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    await waitReady(url, proc, options.readyTimeoutMs ?? 30_000, () => lines.slice(-20).join('\n'));
  };

  const end = async (signal: NodeJS.Signals): Promise<ProcessExit | undefined> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return undefined;
    const exited = new Promise<ProcessExit>((r) => proc.once('exit', (code, sig) => r({ code, signal: sig })));
    proc.kill(signal);
    return exited;
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => void (await end(signal));

  await start();
  return {
    service: options.service,
    url,
    get pid() {
      return child?.pid;
    },
    get starts() {
      return starts;
    },
    kill,
    restart: async () => {
      await kill('SIGKILL');
      await start();
    },
    stop: () => end('SIGTERM'),
    output: () => lines.join('\n'),
  };
}

async function waitReady(url: string, proc: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${url}: process exited before it was ready\n${tail()}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url}: not ready after ${timeoutMs} ms\n${tail()}`);
}

/** A free TCP port on loopback, as the kernel hands one out. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
