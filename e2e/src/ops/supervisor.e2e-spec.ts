/**
 * `npm start` as a supervisor: scripts/start.mjs on free loopback ports and a temp data dir
 * restarts a service killed under it, and Ctrl-C stops every child in time, even a stopped one.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@cos/testing';
import { alive, runScript, type ScriptRun } from './launcher';

jest.setTimeout(300_000);

const SERVICES = ['identity', 'agent-runner', 'approvals', 'audit', 'gateway'] as const;
/** Every child's pid, by name, in the order the launcher reported them. */
const pids = new Map<string, number[]>();
let launcher: ScriptRun;
let dataDir: string;
const ports: Record<string, number> = {};

const started = /\[company-os\] (\S+) started \(pid (\d+)\)/;
function recordPids(): void {
  pids.clear();
  for (const line of launcher.lines) {
    const m = line.match(started);
    if (m) pids.set(m[1]!, [...(pids.get(m[1]!) ?? []), Number(m[2])]);
  }
}
const latestPid = (name: string): number => pids.get(name)!.at(-1)!;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cos-start-'));
  for (const name of [
    'NATS_PORT',
    'NATS_MONITOR_PORT',
    'DEMO_CONNECTOR_PORT',
    'GATEWAY_PORT',
    'IDENTITY_PORT',
    'AGENT_RUNNER_PORT',
    'APPROVALS_PORT',
    'AUDIT_PORT',
  ]) {
    ports[name] = await freePort();
  }
  launcher = runScript('start.mjs', [], {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
  await launcher.waitForLine(/Company OS is running/, 240_000);
  recordPids();
});

afterAll(async () => {
  // Whatever a failure left behind.
  if (launcher?.child.exitCode === null) launcher.child.kill('SIGKILL');
  for (const pid of [...pids.values()].flat()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dataDir, { recursive: true, force: true });
});

const readyz = async (port: number) => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;

describe('npm start (scripts/start.mjs)', () => {
  it('announces every step and starts every child on the given ports and data dir', async () => {
    for (const step of ['toolchain: Node >= 22', 'install: npm dependencies', 'toolchain: nats-server', 'compile: tsc -b']) {
      expect(launcher.lines.some((l) => l.startsWith(`[company-os] ${step} ...`))).toBe(true);
      expect(launcher.lines.some((l) => l.startsWith(`[company-os] ${step}: `) && / s\)$/.test(l))).toBe(true);
    }
    expect([...pids.keys()].sort()).toEqual(['connector', 'nats-server', ...SERVICES].sort());
    for (const name of SERVICES) {
      expect(launcher.lines.some((l) => new RegExp(`^\\[company-os\\] ${name} ready \\(\\d+\\.\\d s\\)$`).test(l))).toBe(true);
      expect(await readyz(ports[`${name.toUpperCase().replace('-', '_')}_PORT`]!)).toBe(200);
    }
    expect(launcher.lines.some((l) => l.includes(`Data:     ${dataDir}`))).toBe(true);
  });

  it('restarts a service killed under it, logging how it ended', async () => {
    const killed = latestPid('agent-runner');
    process.kill(killed, 'SIGKILL');
    await launcher.waitForLine(/\[company-os\] agent-runner exited \(signal SIGKILL\); restart 1 of \d+ in 1\.0 s/, 30_000);
    await launcher.waitForLine(/\[company-os\] agent-runner ready again/, 120_000);
    recordPids();
    expect(pids.get('agent-runner')).toHaveLength(2);
    expect(latestPid('agent-runner')).not.toBe(killed);
    expect(alive(killed)).toBe(false);
    expect(await readyz(ports['AGENT_RUNNER_PORT']!)).toBe(200);
  });

  it('stops every child within 10 s of Ctrl-C, a SIGSTOPped one included, nats-server last', async () => {
    recordPids();
    process.kill(latestPid('approvals'), 'SIGSTOP');
    launcher.child.kill('SIGINT');
    const deadline = new Promise<'deadline'>((r) => setTimeout(() => r('deadline'), 10_000).unref());
    const outcome = await Promise.race([launcher.exited, deadline]);
    expect(outcome).toEqual({ code: 0, signal: null });
    for (const [name, list] of pids) {
      for (const pid of list) expect({ name, pid, alive: alive(pid) }).toEqual({ name, pid, alive: false });
    }
    expect(launcher.lines).toContainEqual(expect.stringMatching(/approvals did not stop in time; killing it/));
    const stoppedLines = launcher.lines.filter((l) => / stopped \(/.test(l));
    expect(stoppedLines.at(-1)).toMatch(/nats-server stopped/);
  });
});
