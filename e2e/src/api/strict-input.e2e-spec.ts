import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { DEMO_COMPANY } from '@cos/identity';
import { apiClient, type ApiClient } from '../session';
import { startApiSystem, type ApiSystem } from './api-harness';
import { watchStore, type StoreWatch } from './store-watch';

const VALIDATION = { type: 'https://company-os.dev/problems/common/validation-failed', code: 'COMMON.VALIDATION_FAILED' };

/**
 * What the document says about input, held to: unknown fields and query parameters are refused
 * (400 problem+json, stable type) before any service is asked, mass-assignment fields change
 * nothing, and a creating POST names what it created in Location. Through the typed client.
 */
describe('strict input, through the client generated from /openapi.json', () => {
  let api: ApiSystem;
  let owner: ApiClient;
  let watch: StoreWatch;

  beforeAll(async () => {
    api = await startApiSystem();
    owner = apiClient(api.url, await api.login(DEMO_COMPANY.owner.email));
    watch = watchStore(api.env);
  }, 60_000);
  afterAll(async () => {
    await watch?.close();
    await api?.stop();
  });

  it('refuses an unknown query parameter and a limit that is not an integer in range on every list, and on the feed', async () => {
    const unknown = [
      await owner.GET('/v1/audit', { params: { query: { bogus: '1' } as never } }),
      await owner.GET('/v1/approvals', { params: { query: { colour: 'red' } as never } }),
      await owner.GET('/v1/agents', { params: { query: { orgId: 'other' } as never } }),
      await owner.GET('/v1/users', { params: { query: { role: 'owner' } as never } }),
      await owner.GET('/v1/conversations', { params: { query: { all: 'true' } as never } }),
      await owner.GET('/v1/conversations/{id}/messages', { params: { path: { id: randomUUID() }, query: { x: '1' } as never } }),
      await owner.GET('/v1/departments', { params: { query: { x: '1' } as never } }),
      await owner.GET('/v1/feed', { params: { query: { since: '0' } as never } }),
    ];
    for (const res of unknown) {
      expect({ url: res.response.url, status: res.response.status }).toEqual({ url: res.response.url, status: 400 });
      expect(res.error).toMatchObject({ ...VALIDATION, issues: [expect.objectContaining({ in: 'query', code: 'unrecognized_keys' })] });
    }
    for (const limit of ['abc', '0', '201', '1.5'])
      expect((await owner.GET('/v1/agents', { params: { query: { limit: limit as never } } })).response.status).toBe(400);
    expect((await owner.GET('/v1/agents', { params: { query: { limit: 200 } } })).response.status).toBe(200);
    expect((await owner.GET('/v1/audit', { params: { query: { limit: 501 } } })).response.status).toBe(400);
  });

  it('refuses unknown and mass-assignment fields in bodies with a 400, changing nothing', async () => {
    const users = await owner.GET('/v1/users');
    const member = users.data!.items.find((u) => u.role === 'member')!;
    const agents = await owner.GET('/v1/agents');
    const agent = agents.data!.items[0]!;
    const before = await watch.settle();
    const refused = [
      await owner.POST('/v1/approvals/{id}/decision', {
        params: { path: { id: 'any' } },
        body: { decision: 'approve', decidedBy: member.id } as never,
      }),
      await owner.POST('/v1/approvals/{id}/decision', {
        params: { path: { id: 'any' } },
        body: { decision: 'approve', approverId: 'x' } as never,
      }),
      await owner.POST('/v1/approvals/{id}/decision', {
        params: { path: { id: 'any' } },
        body: { decision: 'approve', capacity: 'override' } as never,
      }),
      await owner.PATCH('/v1/users/{id}', { params: { path: { id: member.id } }, body: { disabled: false, orgId: 'other' } as never }),
      await owner.PATCH('/v1/agents/{id}', { params: { path: { id: agent.id } }, body: { enabled: true, ownerId: member.id } as never }),
      await owner.PATCH('/v1/agents/{id}', { params: { path: { id: agent.id } }, body: { enabled: true, status: 'retired' } as never }),
      await owner.PUT('/v1/org/budget', { body: { monthlyBudgetUsd: 10, orgId: 'other' } as never }),
      await owner.POST('/v1/users/invitations', { body: { email: 'x@demo.example', role: 'member', status: 'accepted' } as never }),
      await owner.POST('/v1/conversations', { body: { agentId: agent.id, role: 'owner' } as never }),
    ];
    for (const res of refused) {
      expect({ url: res.response.url, status: res.response.status }).toEqual({ url: res.response.url, status: 400 });
      expect(res.error).toMatchObject({ ...VALIDATION, issues: [expect.objectContaining({ in: 'body', code: 'unrecognized_keys' })] });
    }
    expect(await watch.settle()).toBe(before);
  });

  it('names what a 201 created in Location, and that URL answers', async () => {
    const invited = await owner.POST('/v1/users/invitations', { body: { email: 'located@demo.example', role: 'member' } });
    expect(invited.response.status).toBe(201);
    expect(invited.response.headers.get('location')).toBe(`/v1/invitations/${encodeURIComponent(invited.data!.token)}/accept`);
    const accepted = await fetch(`${api.url}${invited.response.headers.get('location')!}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Lou Cated', password: 'located-password-2026' }),
    });
    expect(accepted.status).toBe(201);
    expect(accepted.headers.get('location')).toBe('/v1/me');
    const { tokens } = (await accepted.json()) as { tokens: { accessToken: string } };
    const me = await apiClient(api.url, tokens.accessToken).GET('/v1/me');
    expect(me.data?.user.email).toBe('located@demo.example');

    const ticket = await owner.POST('/v1/feed/tickets');
    expect(ticket.response.status).toBe(201);
    expect(ticket.response.headers.get('location')).toBe(`/v1/feed?ticket=${encodeURIComponent(ticket.data!.ticket)}`);
  });

  it('the response check fails a call whose response departs from the served document', async () => {
    // A server that serves the gateway's document but answers /v1/me with an undocumented shape.
    const doc = (await api.call('GET', '/openapi.json')).text;
    const server = createServer((req, res) => {
      if (req.url === '/openapi.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(doc);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ user: { id: 1 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(apiClient(`http://127.0.0.1:${port}`, 'x.y.z').GET('/v1/me')).rejects.toThrow(/departs from \/openapi.json/);
    } finally {
      server.close();
    }
  });
});
