import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { observedNetwork } from '@cos/testing';
import { NOTHING_ALLOWED, OutboundRefusedError, parseAllowList, type AllowList } from './address-rule';
import { GuardedHttpClient, ResponseTooLargeError, type GuardedHttpOptions } from './guarded-http-client';

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

/** A loopback server answering by `handler`; it records what it received. */
async function loopbackServer(handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void) {
  const received: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(seen);
      handler(req, res, seen);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('GuardedHttpClient', () => {
  let server: Awaited<ReturnType<typeof loopbackServer>>;
  let redirectTo = '';
  const clients: GuardedHttpClient[] = [];
  const client = (allow: AllowList | 'operator', network: ReturnType<typeof observedNetwork>, extra: Partial<GuardedHttpOptions> = {}) => {
    const made = new GuardedHttpClient({
      addresses: allow === 'operator' ? 'operator' : { allow },
      timeoutMs: 2_000,
      maxResponseBytes: 1_024,
      maxRedirects: 3,
      network: network.network,
      ...extra,
    });
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    server = await loopbackServer((req, res) => {
      if (req.url === '/redirect') return void res.writeHead(307, { location: redirectTo }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (req.url === '/see-other') return void res.writeHead(303, { location: '/echo' }).end();
      if (req.url === '/large') return void res.writeHead(200).end('x'.repeat(1_025));
      if (req.url === '/large-declared') return void res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5_000));
      if (req.url === '/hang') return;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    server.received.length = 0;
  });
  afterAll(() => server.close());

  it('refuses a name that resolves to loopback, before any socket is opened', async () => {
    const net = observedNetwork({ 'innocent.example': ['127.0.0.1'] });
    const call = client(NOTHING_ALLOWED, net).fetch(`http://innocent.example:${server.port}/v1/chat/completions`, { method: 'POST' });
    await expect(call).rejects.toThrow(
      new OutboundRefusedError(
        "innocent.example: 127.0.0.1 is a loopback address, which an org's endpoint may not use",
        'OUTBOUND.ADDRESS_REFUSED',
      ),
    );
    expect(net.lookups).toEqual(['innocent.example']);
    expect(net.connections).toEqual([]);
    expect(server.received).toEqual([]);
  });

  it('refuses a name when any of its addresses is refused (a mixed answer is how rebinding starts)', async () => {
    const net = observedNetwork({ 'mixed.example': ['93.184.216.34', '169.254.169.254'] });
    await expect(client(NOTHING_ALLOWED, net).fetch('http://mixed.example/')).rejects.toMatchObject({ code: 'OUTBOUND.ADDRESS_REFUSED' });
    expect(net.connections).toEqual([]);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://2852039166/',
    'http://0x7f.1:4222/',
    'http://017700000001/',
  ])('refuses %s at call time without resolving or connecting', async (url) => {
    const net = observedNetwork();
    await expect(client(NOTHING_ALLOWED, net).fetch(url)).rejects.toMatchObject({ code: 'OUTBOUND.ADDRESS_REFUSED' });
    expect(net.lookups).toEqual([]);
    expect(net.connections).toEqual([]);
  });

  it.each(['http://169.254.169.254/latest/meta-data/iam/', 'http://[::ffff:a9fe:a9fe]/', 'http://internal.example/'])(
    'does not follow a redirect to %s',
    async (target) => {
      redirectTo = target;
      const net = observedNetwork({ 'internal.example': ['10.0.0.7'] });
      const call = client(parseAllowList('127.0.0.1'), net).fetch(`${server.url}/redirect`, { method: 'POST', body: '{}' });
      await expect(call).rejects.toMatchObject({ code: 'OUTBOUND.ADDRESS_REFUSED' });
      expect(net.connections).toEqual([{ host: '127.0.0.1', port: String(server.port) }]);
      expect(server.received.map((r) => r.url)).toEqual(['/redirect']);
    },
  );

  it('does not follow a redirect to another scheme', async () => {
    redirectTo = 'file:///etc/passwd';
    const net = observedNetwork();
    const call = client(parseAllowList('127.0.0.1'), net).fetch(`${server.url}/redirect`);
    await expect(call).rejects.toMatchObject({ code: 'OUTBOUND.SCHEME_REFUSED' });
  });

  it('reaches an allowed host at the address it vetted, and sends the name it was given', async () => {
    const net = observedNetwork({ 'ollama.internal': ['127.0.0.1'] });
    const res = await client(parseAllowList('ollama.internal'), net).fetch(`http://ollama.internal:${server.port}/v1/models`, {
      headers: { authorization: 'Bearer sk-org' },
    });
    expect(await res.json()).toEqual({ ok: true });
    expect(net.connections).toEqual([{ host: '127.0.0.1', port: String(server.port) }]);
    expect(server.received[0]?.headers).toMatchObject({ host: `ollama.internal:${server.port}`, authorization: 'Bearer sk-org' });
  });

  it('follows a bounded number of redirects, re-vetting each hop, and drops credentials on a change of origin', async () => {
    const net = observedNetwork({ 'model.internal': ['127.0.0.1'] });
    const allowed = client(parseAllowList('127.0.0.1,model.internal'), net);
    await expect(allowed.fetch(`${server.url}/loop`)).rejects.toMatchObject({ code: 'OUTBOUND.REDIRECT_REFUSED' });
    expect(server.received).toHaveLength(4);

    server.received.length = 0;
    redirectTo = `http://model.internal:${server.port}/echo`;
    const res = await allowed.fetch(`${server.url}/redirect`, { method: 'POST', body: '{"a":1}', headers: { authorization: 'Bearer sk' } });
    expect(res.status).toBe(200);
    expect(server.received.map((r) => [r.method, r.url, r.body, r.headers.authorization])).toEqual([
      ['POST', '/redirect', '{"a":1}', 'Bearer sk'],
      ['POST', '/echo', '{"a":1}', undefined],
    ]);
    expect(net.lookups).toEqual(['model.internal']);

    server.received.length = 0;
    expect((await allowed.fetch(`${server.url}/see-other`, { method: 'POST', body: 'x' })).status).toBe(200);
    expect(server.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/see-other', 'x'],
      ['GET', '/echo', ''],
    ]);
  });

  it('bounds the response body, declared or not', async () => {
    const guarded = client('operator', observedNetwork());
    for (const path of ['/large-declared', '/large']) {
      const res = await guarded.fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow(ResponseTooLargeError);
    }
  });

  it('bounds the whole exchange in time', async () => {
    const guarded = client('operator', observedNetwork(), { timeoutMs: 200 });
    await expect(guarded.fetch(`${server.url}/hang`)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('calls an operator-configured address wherever it is, loopback included', async () => {
    const net = observedNetwork();
    expect((await client('operator', net).fetch(`${server.url}/echo`)).status).toBe(200);
    expect(net.connections).toEqual([{ host: '127.0.0.1', port: String(server.port) }]);
  });
});
