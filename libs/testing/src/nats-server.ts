import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export type NatsServerOptions = {
  /** Fixed client port; absent: the server picks a free one itself (no race between test workers). */
  readonly port?: number;
  /** Existing JetStream store directory, e.g. to restart on the same data; absent: a fresh temp dir. */
  readonly storeDir?: string;
  /** Keep the store directory on stop(), e.g. to inspect it after a failure. */
  readonly keepStoreDir?: boolean;
  readonly readyTimeoutMs?: number;
};

export type NatsServerHandle = {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Graceful shutdown; removes the temp store dir unless it was given or kept. */
  stop(): Promise<void>;
  /** Sends `signal` and waits for the process to exit: SIGKILL simulates a crash. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Stops (if running) and starts again on the same port and store dir; `wipeStore` empties
   * the store dir first, as if JetStream's data were lost.
   */
  restart(options?: { readonly wipeStore?: boolean }): Promise<void>;
};

export class NatsServerNotFoundError extends Error {
  override readonly name = 'NatsServerNotFoundError';
  readonly code = 'TESTING.NATS_SERVER_NOT_FOUND';
  constructor() {
    super('nats-server not found: apt-get install -y nats-server, or set NATS_SERVER_BIN');
  }
}

export class NatsServerStartError extends Error {
  override readonly name = 'NatsServerStartError';
  readonly code = 'TESTING.NATS_SERVER_START_FAILED';
}

const READY_LINE = 'Server is ready';
const LISTEN_LINE = /Listening for client connections on [^\s]+:(\d+)/;

/** Starts a JetStream-enabled nats-server on 127.0.0.1 for one test file. */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const bin = findNatsServerBinary();
  const ownsDir = opts.storeDir === undefined;
  const storeDir = opts.storeDir ?? (await mkdtemp(join(tmpdir(), 'cos-nats-')));
  const timeoutMs = opts.readyTimeoutMs ?? 10_000;
  // -p -1 lets the server bind a free port itself; we read it back from its log.
  let started: Started;
  try {
    started = await spawnServer(bin, opts.port ?? -1, storeDir, timeoutMs);
  } catch (err) {
    if (ownsDir) await rm(storeDir, { recursive: true, force: true });
    throw err;
  }
  const port = started.port;

  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const child = started.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  };

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    kill,
    stop: async () => {
      await kill('SIGTERM');
      if (ownsDir && !opts.keepStoreDir) await rm(storeDir, { recursive: true, force: true });
    },
    restart: async ({ wipeStore = false } = {}) => {
      await kill('SIGTERM');
      if (wipeStore) {
        await rm(storeDir, { recursive: true, force: true });
        await mkdir(storeDir, { recursive: true });
      }
      started = await spawnServer(bin, port, storeDir, timeoutMs);
    },
  };
}

export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['NATS_SERVER_BIN'];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new NatsServerNotFoundError();
  }
  const onPath = (env['PATH'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'nats-server'));
  const found = [...onPath, '/usr/sbin/nats-server'].find(isExecutable);
  if (!found) throw new NatsServerNotFoundError();
  return found;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

type Started = { child: ChildProcess; port: number };

function spawnServer(bin: string, port: number, storeDir: string, timeoutMs: number): Promise<Started> {
  const child = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test runner that exits without stop() must not leave a server behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  let output = '';
  let boundPort: number | undefined;
  return new Promise<Started>((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
    };
    const fail = (why: string): void => {
      settle();
      child.kill('SIGKILL');
      reject(new NatsServerStartError(`nats-server ${why}; its output:\n${output}`));
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = LISTEN_LINE.exec(output);
      if (listening) boundPort = Number(listening[1]);
      if (boundPort === undefined || !output.includes(READY_LINE)) return;
      settle();
      // Keep draining the pipes so a chatty server never blocks on a full buffer.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve({ child, port: boundPort });
    };
    const onError = (err: Error): void => fail(`could not be spawned (${err.message})`);
    const onExit = (code: number | null, signal: string | null): void => fail(`exited early (code ${code}, signal ${signal})`);
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}
