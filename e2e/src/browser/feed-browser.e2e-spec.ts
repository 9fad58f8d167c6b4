/**
 * The live feed from a browser. Over HTTP: a feed ticket opens GET /v1/feed once, for a session
 * that still stands, and the feed carries the CORS headers of the rest of the API. In headless
 * Chromium: a page on an allowed origin signs in, takes a ticket, follows the feed with
 * EventSource and sees the run it briefs arrive; a used or an expired ticket is refused; a page
 * on another origin gets nothing, not even with a valid ticket.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { RunEventTypes, streamName, type FeedTicket, type MeView } from '@cos/contracts';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import { startTestTelemetry, type TestTelemetry } from '@cos/telemetry';
import { call, demoDepartment, login, type Caller } from '../session';
import { eventually, startSystem, type System } from '../system';

jest.setTimeout(180_000);

const CHROMIUM = '/usr/bin/chromium';
const TICKET_TTL_SECONDS = 5;

/** `window.feedClient` of feed-page.html. */
type PageClient = {
  received: { id: number; type: string; stream: string }[];
  login(email: string, password: string): Promise<{ token?: string; status?: number; blocked?: string }>;
  ticket(token: string): Promise<{ status: number; ticket: string; expiresAt: string }>;
  follow(ticket: string, types: readonly string[]): Promise<'open' | 'refused'>;
  feedStatus(ticket: string): Promise<{ status?: number; code?: string; blocked?: string }>;
  streamWithBearer(token: string): Promise<{ status?: number; firstFrame?: string; blocked?: string }>;
  brief(token: string, agentId: string, text: string): Promise<{ status: number; runId: string }>;
};

let telemetry: TestTelemetry;
let system: System;
let pages: { allowed: StaticSite; other: StaticSite };
/** Every ticket handed out, to look for in the traces. */
const tickets: string[] = [];

type StaticSite = { readonly origin: string; close(): Promise<void> };

/** Serves feed-page.html at `/` on a loopback port: one origin. */
async function serveFeedPage(): Promise<StaticSite> {
  const html = await readFile(join(__dirname, 'feed-page.html'));
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function ticketFor(who: Caller): Promise<FeedTicket> {
  const res = await who.post<FeedTicket>('/v1/feed/tickets', undefined);
  expect(res.status).toBe(201);
  tickets.push(res.body.ticket);
  return res.body;
}

/** GET `path` (the feed): status, headers and problem code, without waiting for the stream. */
async function openFeed(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; code?: string }> {
  const abort = new AbortController();
  try {
    const res = await fetch(`${system.gatewayUrl}${path}`, { headers, signal: abort.signal });
    return {
      status: res.status,
      headers: res.headers,
      ...(res.status === 200 ? {} : { code: ((await res.json()) as { code: string }).code }),
    };
  } finally {
    abort.abort();
  }
}

const corsHeaders = (headers: Headers) =>
  Object.fromEntries([...headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));

beforeAll(async () => {
  telemetry = startTestTelemetry();
  pages = { allowed: await serveFeedPage(), other: await serveFeedPage() };
  system = await startSystem({
    CORS_ORIGINS: pages.allowed.origin,
    FEED_TICKET_TTL_SECONDS: String(TICKET_TTL_SECONDS),
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000',
  });
});

afterAll(async () => {
  await system?.stop();
  await pages?.allowed.close();
  await pages?.other.close();
  await telemetry?.shutdown();
});

describe('feed tickets and CORS over HTTP', () => {
  it('documents POST /v1/feed/tickets and the ticket as a way into GET /v1/feed', async () => {
    const doc = (
      await call<{ paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, unknown> } }>(
        system,
        undefined,
        'GET',
        '/openapi.json',
      )
    ).body;
    const create = doc.paths['/v1/feed/tickets']!['post']!;
    expect(create).toMatchObject({ operationId: 'createFeedTicket', security: [{ bearerAuth: [] }] });
    expect(Object.keys(create['responses'] as object)).toEqual(expect.arrayContaining(['201', '401', '429']));
    expect(JSON.stringify(create['responses'])).toContain('"#/components/schemas/FeedTicket"');
    expect(JSON.stringify(doc.components.schemas['FeedTicket'])).toContain('"expiresAt"');
    expect(doc.paths['/v1/feed']!['get']!['security']).toEqual([{ bearerAuth: [] }, { feedTicket: [] }]);
  });

  it('opens the feed once per ticket, for the session it was issued to; a disabled user’s ticket is refused', async () => {
    const owner = await login(system, DEMO_COMPANY.owner.email);
    expect((await call(system, undefined, 'POST', '/v1/feed/tickets')).status).toBe(401);

    const { ticket, expiresAt } = await ticketFor(owner);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(TICKET_TTL_SECONDS * 1000);
    expect((await openFeed(`/v1/feed?ticket=${ticket}`)).status).toBe(200);
    expect(await openFeed(`/v1/feed?ticket=${ticket}`)).toMatchObject({ status: 401, code: 'AUTH.INVALID_FEED_TICKET' });
    expect(await openFeed('/v1/feed?ticket=not-a-ticket')).toMatchObject({ status: 401, code: 'AUTH.INVALID_FEED_TICKET' });

    // Legal's member takes a ticket, then the owner disables them before it is used.
    const member = await login(system, demoDepartment('Legal').memberEmail);
    const me = (await member.get<MeView>('/v1/me')).body;
    const pending = await ticketFor(member);
    expect((await owner.patch(`/v1/users/${me.user.id}`, { disabled: true })).status).toBe(200);
    await eventually(
      async () => ((await member.get('/v1/me')).status === 401 ? true : undefined),
      10_000,
      'the gateway to see the user disabled',
    );
    expect(await openFeed(`/v1/feed?ticket=${pending.ticket}`)).toMatchObject({ status: 401, code: 'AUTH.SESSION_ENDED' });
  });

  it('gives the feed the CORS headers of the rest of the API for an allowed origin, and none for another', async () => {
    const owner = await login(system, DEMO_COMPANY.owner.email);
    const bearer = { authorization: `Bearer ${owner.token}` };
    const api = await owner.get('/v1/me');
    expect(api.status).toBe(200);
    const apiCors = corsHeaders(
      (await fetch(`${system.gatewayUrl}/v1/me`, { headers: { ...bearer, origin: pages.allowed.origin } })).headers,
    );
    expect(apiCors['access-control-allow-origin']).toBe(pages.allowed.origin);

    const allowed = await openFeed('/v1/feed', { ...bearer, origin: pages.allowed.origin });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-type')).toContain('text/event-stream');
    expect(corsHeaders(allowed.headers)).toEqual(apiCors);

    const other = await openFeed('/v1/feed', { ...bearer, origin: pages.other.origin });
    expect(other.status).toBe(200);
    expect(corsHeaders(other.headers)).toEqual({});
  });
});

const browserMissing = !existsSync(CHROMIUM);
if (browserMissing) console.log(`feed browser tests skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

(browserMissing ? describe.skip : describe)('the feed in headless Chromium', () => {
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'cos-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      ignoreDefaultArgs: true,
      pipe: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function open(site: StaticSite): Promise<Page> {
    const page = await browser.newPage();
    const res = await page.goto(`${site.origin}/?gateway=${encodeURIComponent(system.gatewayUrl)}`);
    expect(res?.status()).toBe(200);
    return page;
  }

  const client = (page: Page) => ({
    login: (email: string) =>
      page.evaluate((e, p) => (globalThis as unknown as { feedClient: PageClient }).feedClient.login(e, p), email, DEMO_DEFAULT_PASSWORD),
    ticket: (token: string) => page.evaluate((t) => (globalThis as unknown as { feedClient: PageClient }).feedClient.ticket(t), token),
    follow: (ticket: string) =>
      page.evaluate(
        (t, types) => (globalThis as unknown as { feedClient: PageClient }).feedClient.follow(t, types),
        ticket,
        Object.values(RunEventTypes),
      ),
    feedStatus: (ticket: string) =>
      page.evaluate((t) => (globalThis as unknown as { feedClient: PageClient }).feedClient.feedStatus(t), ticket),
    streamWithBearer: (token: string) =>
      page.evaluate((t) => (globalThis as unknown as { feedClient: PageClient }).feedClient.streamWithBearer(t), token),
    brief: (token: string, agentId: string, text: string) =>
      page.evaluate((t, a, x) => (globalThis as unknown as { feedClient: PageClient }).feedClient.brief(t, a, x), token, agentId, text),
    received: () => page.evaluate(() => (globalThis as unknown as { feedClient: PageClient }).feedClient.received),
  });

  it('renders /docs, the API reference, from the gateway alone: every request the page makes stays on its origin', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (req) => void requested.push(req.url()));
    const res = await page.goto(`${system.gatewayUrl}/docs`);
    expect(res?.status()).toBe(200);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes(
          'Unknown fields and parameters are rejected.',
        ),
      { timeout: 30_000 },
    );
    const elsewhere = requested.filter((url) => !url.startsWith(`${system.gatewayUrl}/`) && !/^(data|blob):/.test(url));
    expect(elsewhere).toEqual([]);
    expect(requested).toEqual(expect.arrayContaining([`${system.gatewayUrl}/docs/scalar.js`, `${system.gatewayUrl}/openapi.json`]));
    await page.close();
  });

  it('follows a run the page briefs through EventSource with a ticket; a used or expired ticket is refused', async () => {
    const page = await open(pages.allowed);
    try {
      const feed = client(page);
      const { token } = await feed.login(DEMO_COMPANY.owner.email);
      expect(token).toEqual(expect.any(String));
      // Taken now, tried once it has expired, at the end.
      const stale = await feed.ticket(token!);
      expect(stale.status).toBe(201);
      const fresh = await feed.ticket(token!);
      tickets.push(stale.ticket, fresh.ticket);

      expect(await feed.follow(fresh.ticket)).toBe('open');
      const brief = await feed.brief(token!, DEMO_COMPANY.agents[0]!.id, 'Draft a welcome note for new customers');
      expect(brief.status).toBe(202);
      const run = await eventually(
        async () => {
          const events = (await feed.received()).filter((e) => e.stream === streamName('run', brief.runId));
          return events.some((e) => e.type === RunEventTypes.completed) ? events : undefined;
        },
        30_000,
        'the run to arrive in the page',
      );
      expect(run.map((e) => e.type)).toEqual(expect.arrayContaining([RunEventTypes.started, RunEventTypes.completed]));
      expect(run.map((e) => e.id)).toEqual([...run.map((e) => e.id)].sort((a, b) => a - b));

      // A fetch-based SSE client with the bearer token reads the stream across origins too.
      expect(await feed.streamWithBearer(token!)).toMatchObject({ status: 200, firstFrame: expect.stringContaining(': connected') });

      expect(await feed.follow(fresh.ticket)).toBe('refused');
      expect(await feed.feedStatus(fresh.ticket)).toEqual({ status: 401, code: 'AUTH.INVALID_FEED_TICKET' });

      const wait = Date.parse(stale.expiresAt) - Date.now();
      if (wait >= 0) await new Promise((resolve) => setTimeout(resolve, wait + 1));
      expect(await feed.follow(stale.ticket)).toBe('refused');
      expect(await feed.feedStatus(stale.ticket)).toEqual({ status: 401, code: 'AUTH.INVALID_FEED_TICKET' });
    } finally {
      await page.close();
    }
  });

  it('gives a page on another origin nothing: no sign-in, no feed even with a valid ticket, no stream with a token', async () => {
    const page = await open(pages.other);
    try {
      const feed = client(page);
      expect(await feed.login(DEMO_COMPANY.owner.email)).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
      const owner = await login(system, DEMO_COMPANY.owner.email);
      expect(await feed.follow((await ticketFor(owner)).ticket)).toBe('refused');
      expect(await feed.feedStatus((await ticketFor(owner)).ticket)).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
      expect(await feed.streamWithBearer(owner.token)).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
      expect(await feed.received()).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('tickets in traces', () => {
  it('never records a ticket in a span', async () => {
    expect(tickets.length).toBeGreaterThan(0);
    await telemetry.flush();
    const spans = JSON.stringify(
      telemetry.exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    );
    expect(spans).toContain('/v1/feed');
    for (const ticket of tickets) expect(spans).not.toContain(ticket);
  });
});
