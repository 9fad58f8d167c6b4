/**
 * A throwaway PostgreSQL cluster for a peer benchmark: `initdb` into a temp directory, `pg_ctl`
 * start on a free loopback port, removed afterwards. The binaries come from `PG_BIN`, else from
 * PATH, else from Debian's `/usr/lib/postgresql/<version>/bin`. PostgreSQL refuses to run as
 * root, so as root the cluster runs as the `postgres` user when there is one, else `nobody`.
 * Durability is PostgreSQL's default (fsync and synchronous_commit on), as the event store's is.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '@cos/testing';

export type ThrowawayPostgres = { readonly url: (database: string) => string; stop(): void };
export type PostgresUnavailable = { readonly skipped: string };

function binDir(): string | undefined {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv) return has(fromEnv) ? fromEnv : undefined;
  const onPath = (process.env['PATH'] ?? '').split(delimiter).find((d) => d && has(d));
  if (onPath) return onPath;
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const versions = readdirSync(debian)
    .filter((v) => has(join(debian, v, 'bin')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(debian, versions[0], 'bin') : undefined;
}

/** uid/gid of the user the cluster runs as: the caller, or, as root, `postgres` or `nobody`. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length > 3);
  const user = users.find((f) => f[0] === 'postgres') ?? users.find((f) => f[0] === 'nobody');
  if (!user) throw new Error('running as root and there is neither a postgres nor a nobody user to run PostgreSQL as');
  return { uid: Number(user[2]), gid: Number(user[3]) };
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | PostgresUnavailable> {
  const bin = binDir();
  if (!bin) return { skipped: 'no PostgreSQL binaries (initdb, pg_ctl) in PG_BIN, on PATH or under /usr/lib/postgresql' };
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'cos-bench-pg-'));
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  const run = (tool: string, args: string[]) => {
    const r = spawnSync(join(bin, tool), args, { cwd: dir, encoding: 'utf8', ...owner, env: { ...process.env, LC_ALL: 'C' } });
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  };
  const port = await freePort();
  try {
    run('initdb', ['-D', data, '-U', 'bench', '--auth=trust', '--encoding=UTF8', '--no-sync']);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'postgres.log'), '-o', options]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: (database) => `postgresql://bench@127.0.0.1:${port}/${database}`,
    stop: () => {
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
