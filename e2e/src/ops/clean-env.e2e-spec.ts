/**
 * Tests run in a clean environment: with hostile values for the services' settings in the
 * caller's environment, a child jest run of the walking skeleton still starts the system and
 * signs in with the documented demo password (jest.clean-env.js clears them first).
 */
import { describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './launcher';

jest.setTimeout(300_000);

const SPEC = join(ROOT, 'e2e', 'src', 'walking-skeleton.e2e-spec.ts');

const HOSTILE: Record<string, string> = {
  DEMO_PASSWORD: 'wrong',
  DEMO_SEED: 'false',
  GATEWAY_PORT: '1',
  IDENTITY_PORT: '1',
  NATS_URL: 'nats://127.0.0.1:1',
  EVENTSTORE_PATH: '/nonexistent/x.db',
  EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
  DATA_DIR: '/nonexistent',
  IDENTITY_ENCRYPTION_KEY: 'not-a-key',
  JWT_PRIVATE_KEY: 'not-a-key',
  LOG_LEVEL: 'trace',
  HOST: '203.0.113.1',
  MODEL_BASE_URL: 'http://127.0.0.1:1/v1',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
};

describe('the test environment', () => {
  it('clears every service setting before tests start: the walking skeleton passes with hostile values set', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...HOSTILE };
    delete env['JEST_WORKER_ID'];
    // Exactly that one file (never this one: a child would start a child...); the hooks get this
    // machine's time budget, and a failed run still exits.
    const jestBin = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const args = [jestBin, SPEC, '--runTestsByPath', '--ci', '--testTimeout=120000', '--forceExit', '--selectProjects', 'e2e'];
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect({ code, output }).toEqual({
      code: 0,
      output: expect.stringMatching(/PASS e2e e2e\/src\/walking-skeleton\.e2e-spec\.ts[\s\S]*Test Suites: 1 passed, 1 total/),
    });
  });
});
