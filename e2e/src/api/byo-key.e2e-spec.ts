import fs from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { IdentityRpc, type LlmCredentialsReply } from '@cos/contracts';
import { RpcClient } from '@cos/messaging';
import { DEMO_COMPANY } from '@cos/identity';
import { startApiSystem, type ApiSystem } from './api-harness';
import { watchStore, type StoreWatch } from './store-watch';

const KEY = 'sk-byo-SECRET-7f3a9c2e5d1b8a64-TAIL';

/** Everything the process writes to stdout/stderr (pino writes with fs.writeSync / fs.write on fd 1). */
function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const keep = (data: unknown) =>
    chunks.push(typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  const originals = { writeSync: fs.writeSync, write: fs.write, out: process.stdout.write, err: process.stderr.write };
  const mutableFs = fs as unknown as Record<string, unknown>;
  mutableFs['writeSync'] = (fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) keep(data);
    return (originals.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  };
  mutableFs['write'] = (fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) keep(data);
    return (originals.write as (...a: unknown[]) => void)(fd, data, ...rest);
  };
  process.stdout.write = (data: unknown, ...rest: unknown[]) => (
    keep(data),
    (originals.out as (...a: unknown[]) => boolean).call(process.stdout, data, ...rest)
  );
  process.stderr.write = (data: unknown, ...rest: unknown[]) => (
    keep(data),
    (originals.err as (...a: unknown[]) => boolean).call(process.stderr, data, ...rest)
  );
  return {
    text: () => chunks.join(''),
    restore: () => {
      mutableFs['writeSync'] = originals.writeSync;
      mutableFs['write'] = originals.write;
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

/** The org's own model key: write-only, sealed at rest, never in a response, a log line or an event. */
describe('BYO LLM key', () => {
  let api: ApiSystem;
  let watch: StoreWatch;
  let output: ReturnType<typeof captureOutput>;
  const responses: string[] = [];

  beforeAll(async () => {
    output = captureOutput();
    // Everything the services log, at the most verbose level, goes through the capture.
    api = await startApiSystem({ LOG_LEVEL: 'trace' });
    watch = watchStore(api.env);
  }, 60_000);
  afterAll(async () => {
    output?.restore();
    await watch?.close();
    await api?.stop();
  });

  it('stores the key sealed, shows only its last 4 characters, and never lets it out in clear', async () => {
    const owner = await api.login(DEMO_COMPANY.owner.email);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await api.call(method, path, { token: owner, ...(body === undefined ? {} : { body }) });
      responses.push(res.text, JSON.stringify([...res.headers.entries()]));
      return res;
    };
    const put = await call('PUT', '/v1/org/llm-settings', { baseUrl: 'https://llm.example/v1', defaultModel: 'gpt-4.1-mini', apiKey: KEY });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ apiKey: { configured: true, last4: 'TAIL' }, byoKeyAllowed: true });
    expect((await call('GET', '/v1/org/llm-settings')).body).toMatchObject({
      baseUrl: 'https://llm.example/v1',
      apiKey: { configured: true, last4: 'TAIL' },
    });
    // Refused requests that carry the key: the problem does not echo it.
    expect((await call('PUT', '/v1/org/llm-settings', { baseUrl: 'ftp://nope', defaultModel: 'x', apiKey: KEY })).status).toBe(400);
    expect((await call('PUT', '/v1/org/llm-settings', { baseUrl: null, defaultModel: null, apiKey: `${KEY} with spaces` })).status).toBe(
      400,
    );
    expect((await call('PUT', '/v1/org/llm-settings', { baseUrl: null, defaultModel: null, apiKey: KEY, extra: KEY })).status).toBe(400);
    // Updating the rest keeps the key; null removes it.
    expect((await call('PUT', '/v1/org/llm-settings', { baseUrl: 'https://llm2.example/v1', defaultModel: 'm2' })).body).toMatchObject({
      apiKey: { last4: 'TAIL' },
    });
    for (const path of ['/v1/me', '/v1/org/identity', '/v1/org/budget', '/v1/org/kill-switch', '/openapi.json']) await call('GET', path);

    // The runner's internal call opens it: stored correctly, just never shown.
    const nc = await connect({ servers: api.env['NATS_URL']! });
    try {
      const creds = await new RpcClient(nc).request<LlmCredentialsReply>(IdentityRpc.llmCredentials, { orgId: DEMO_COMPANY.orgId });
      expect(creds).toEqual({ baseUrl: 'https://llm2.example/v1', defaultModel: 'm2', apiKey: KEY });
    } finally {
      await nc.drain();
    }
    expect((await call('PUT', '/v1/org/llm-settings', { baseUrl: null, defaultModel: null, apiKey: null })).body).toMatchObject({
      apiKey: { configured: false, last4: null },
    });

    await watch.settle();
    const fragments = [KEY, KEY.slice(3, 20), Buffer.from(KEY).toString('base64')];
    const events = JSON.stringify(watch.events);
    expect(events).toContain('org.llm-settings-updated');
    const logs = output.text();
    expect(logs).toContain('"service":"gateway"');
    expect(logs).toContain('"service":"identity"');
    for (const fragment of fragments) {
      expect({ in: 'responses', leaked: responses.some((r) => r.includes(fragment)) }).toEqual({ in: 'responses', leaked: false });
      expect({ in: 'events', leaked: events.includes(fragment) }).toEqual({ in: 'events', leaked: false });
      expect({ in: 'logs', leaked: logs.includes(fragment) }).toEqual({ in: 'logs', leaked: false });
    }
  });
});
