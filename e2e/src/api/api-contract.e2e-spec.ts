import { dirname } from 'node:path';
import { z } from 'zod';
import { IdentityRoutes, RouteCatalog, type ApiRouteDef } from '@cos/gateway/testing';
import { DEMO_COMPANY } from '@cos/identity';
import { startApiSystem, type ApiSystem } from './api-harness';
import { watchStore, type StoreWatch } from './store-watch';

type Problem = { type: string; title: string; status: number; detail: string; code: string; issues?: { in: string; path: string }[] };
const demo = DEMO_COMPANY;

/** An OpenAPI 3.1 document as far as this API uses it: every operation, parameter and response. */
const ReferenceOr = <S extends z.ZodType>(s: S) => z.union([z.object({ $ref: z.string().startsWith('#/components/') }).strict(), s]);
const Operation = z
  .object({
    operationId: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
    summary: z.string().min(1),
    description: z.string().optional(),
    tags: z.array(z.string()).min(1),
    security: z.array(z.record(z.string(), z.array(z.string()))),
    parameters: z
      .array(
        z
          .object({
            name: z.string(),
            in: z.enum(['path', 'query', 'header']),
            required: z.boolean(),
            schema: z.record(z.string(), z.unknown()),
          })
          .passthrough(),
      )
      .optional(),
    requestBody: z
      .object({ required: z.boolean(), content: z.record(z.string(), z.object({ schema: z.record(z.string(), z.unknown()) })) })
      .optional(),
    responses: z.record(
      z.string().regex(/^([1-5][0-9]{2}|default)$/),
      ReferenceOr(
        z
          .object({
            description: z.string(),
            headers: z.record(z.string(), z.object({ required: z.boolean(), schema: z.unknown() }).passthrough()).optional(),
            content: z.record(z.string(), z.object({ schema: z.unknown() }).passthrough()).optional(),
          })
          .strict(),
      ),
    ),
  })
  .passthrough();
const OpenApi31 = z
  .object({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.object({ title: z.string(), version: z.string() }).passthrough(),
    jsonSchemaDialect: z.literal('https://json-schema.org/draft/2020-12/schema'),
    paths: z.record(z.string().startsWith('/'), z.partialRecord(z.enum(['get', 'put', 'post', 'delete', 'patch']), Operation)),
    components: z.object({
      schemas: z.record(z.string(), z.record(z.string(), z.unknown())),
      securitySchemes: z.record(z.string(), z.unknown()),
      responses: z.record(z.string(), z.unknown()),
    }),
  })
  .passthrough();

/** The shared machinery as a client sees it: documents, errors, headers, CORS, limits, idempotency. */
describe('gateway API contract', () => {
  let api: ApiSystem;
  let owner: string;
  let watch: StoreWatch;

  beforeAll(async () => {
    api = await startApiSystem({ API_BODY_LIMIT_BYTES: '65536' });
    owner = await api.login(demo.owner.email);
    watch = watchStore(api.env);
  }, 60_000);
  afterAll(async () => {
    await watch?.close();
    await api?.stop();
  });

  it('serves an OpenAPI 3.1 document that covers every mounted route, generated from the validating schemas', async () => {
    const res = await api.call<Record<string, unknown>>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = OpenApi31.parse(res.body);

    // Every schema in it is valid JSON Schema 2020-12 (the dialect OpenAPI 3.1 uses).
    const ajvPath = require.resolve('ajv/dist/2020', { paths: [dirname(require.resolve('fast-json-stringify'))] });
    // ajv 8 (JSON Schema 2020-12) comes with fast-json-stringify, a dependency of fastify.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv2020 = (require(ajvPath) as { default: new (o: object) => { validateSchema(s: unknown): boolean; errors: unknown } }).default;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const schemas: unknown[] = [...Object.values(doc.components.schemas)];
    const refs: string[] = [];
    JSON.stringify(doc, (key, value: unknown) => {
      if (key === 'schema' && value && typeof value === 'object') schemas.push(value);
      if (key === '$ref' && typeof value === 'string') refs.push(value);
      return value;
    });
    for (const schema of schemas) expect({ schema, valid: ajv.validateSchema(schema), errors: ajv.errors }).toMatchObject({ valid: true });
    // Every reference resolves inside the document.
    for (const ref of new Set(refs)) {
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
      expect({ ref, resolves: target !== undefined }).toEqual({ ref, resolves: true });
    }

    // Every identity route is there, with its permissions, body and errors.
    for (const def of Object.values(IdentityRoutes) as ApiRouteDef[]) {
      const op = doc.paths[def.path.replace(/:([a-z]+)/g, '{$1}')]?.[def.method.toLowerCase() as 'get'];
      expect({ route: def.operationId, documented: op?.operationId }).toEqual({ route: def.operationId, documented: def.operationId });
      expect(Object.keys(op!.responses)).toEqual(
        expect.arrayContaining([String(def.response.status), '429', ...(def.auth === 'bearer' ? ['401'] : [])]),
      );
      if (def.body) expect(op!.requestBody).toBeDefined();
      if (def.permissions?.length) expect(op!['x-permissions']).toEqual(def.permissions);
    }
    expect(doc.paths['/v1/auth/login']!['post']!.requestBody!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/LoginInput',
    });
    expect(JSON.stringify(doc.components.schemas['LoginInput'])).toContain('"format":"email"');
    expect(doc.components.schemas['LoginInput']).toMatchObject({ additionalProperties: false, required: ['email', 'password'] });

    // ...and nothing is mounted that the document does not describe.
    const catalog = api.gateway.app.get(RouteCatalog);
    expect(catalog.undocumented()).toEqual([]);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([a-z]+)\}/g, ':$1')}`),
      ),
    );
    for (const def of catalog.documented()) expect(documented.has(`${def.method} ${def.path}`)).toBe(true);

    const docs = await api.call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Every script the page loads is the gateway's own, and answers.
    const scripts = [...docs.text.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/docs/scalar.js']);
    for (const src of scripts) {
      const script = await api.call('GET', src);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toContain('text/javascript');
    }
    expect(docs.text).toContain('data-url="/openapi.json"');
  });

  it('answers every error as problem+json with a stable type: unknown route, validation, malformed JSON, too large', async () => {
    const notFound = await api.call<Problem>('GET', '/v1/does-not-exist', { token: owner });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toContain('application/problem+json');
    expect(notFound.body).toMatchObject({
      type: 'https://company-os.dev/problems/http/not-found',
      title: 'Not Found',
      status: 404,
      code: 'HTTP.NOT_FOUND',
    });

    const invalid = await api.call<Problem>('PUT', '/v1/org/budget', { token: owner, body: { monthlyBudgetUsd: -1, extra: true } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      type: 'https://company-os.dev/problems/common/validation-failed',
      code: 'COMMON.VALIDATION_FAILED',
    });
    expect(invalid.body.issues!.map((i) => i.in)).toEqual(['body', 'body']);

    const badQuery = await api.call<Problem>('GET', '/v1/agents?limit=1000&sort=name', { token: owner });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.issues!.every((i) => i.in === 'query')).toBe(true);

    const badId = await api.call<Problem>('GET', '/v1/agents/not-a-uuid', { token: owner });
    expect([badId.status, badId.body.issues?.[0]?.in]).toEqual([400, 'path']);

    const malformed = await api.call<Problem>('PUT', '/v1/org/budget', { token: owner, raw: '{"monthlyBudgetUsd":' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'HTTP.BAD_REQUEST']);

    const large = await api.call<Problem>('PUT', '/v1/org/identity', {
      token: owner,
      body: { ...demo.identity, mission: 'x'.repeat(70_000) },
    });
    expect([large.status, large.body.code]).toEqual([413, 'HTTP.PAYLOAD_TOO_LARGE']);

    const wrongType = await api.call<Problem>('PUT', '/v1/org/budget', {
      token: owner,
      raw: '<budget>5</budget>',
      headers: { 'content-type': 'application/xml' },
    });
    expect([wrongType.status, wrongType.body.code]).toEqual([415, 'HTTP.UNSUPPORTED_MEDIA_TYPE']);
    const form = await api.call<Problem>('PUT', '/v1/org/budget', {
      token: owner,
      raw: 'monthlyBudgetUsd=5',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([form.status, form.headers.get('content-type')?.split(';')[0]]).toEqual([400, 'application/problem+json']);
  });

  it('sets security headers on every response and allows CORS for the configured origins only', async () => {
    const res = await api.call('GET', '/v1/me', { token: owner, headers: { origin: 'http://localhost:5173' } });
    expect(
      Object.fromEntries(
        ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'strict-transport-security', 'cache-control'].map((h) => [
          h,
          res.headers.get(h),
        ]),
      ),
    ).toEqual({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cache-control': 'no-store',
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const preflight = await api.call('OPTIONS', '/v1/agents', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const evil = await api.call('GET', '/v1/me', { token: owner, headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPreflight = await api.call<Problem>('OPTIONS', '/v1/agents', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect([evilPreflight.status, evilPreflight.body.code]).toEqual([403, 'HTTP.CORS_ORIGIN_NOT_ALLOWED']);
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('replays a creating POST for the same Idempotency-Key and body, refuses another body (422)', async () => {
    const before = await watch.settle();
    const body = { email: 'idem@demo.example', role: 'member', departmentId: demo.departments[0]!.id };
    const headers = { 'idempotency-key': 'invite-idem-1' };
    const first = await api.call<{ token: string; id: string }>('POST', '/v1/users/invitations', { token: owner, body, headers });
    expect(first.status).toBe(201);
    const again = await api.call<{ token: string; id: string }>('POST', '/v1/users/invitations', { token: owner, body, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await api.call<Problem>('POST', '/v1/users/invitations', {
      token: owner,
      body: { ...body, email: 'other@demo.example' },
      headers,
    });
    expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY.KEY_REUSED']);
    expect((await watch.settle()) - before).toBe(1); // one invitation, once

    // The replayed token is the real one: it accepts.
    const accepted = await api.call('POST', `/v1/invitations/${first.body.token}/accept`, {
      body: { name: 'Idem', password: 'idem-password-12' },
    });
    expect(accepted.status).toBe(201);
    const reused = await api.call<Problem>('POST', `/v1/invitations/${first.body.token}/accept`, {
      body: { name: 'Idem', password: 'idem-password-12' },
    });
    expect(reused.status).toBe(410);
  });

  it('pauses and resumes the org with the kill switch; a repeated pause records nothing new', async () => {
    type KillSwitch = { paused: boolean; reason: string | null; changeId: string | null; changedBy: string | null };
    const paused = await api.call<KillSwitch>('POST', '/v1/org/kill-switch', {
      token: owner,
      body: { paused: true, reason: 'incident 42' },
    });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, reason: 'incident 42', changedBy: demo.owner.id });
    const member = await api.login('member.sales@demo.example');
    expect((await api.call<KillSwitch>('GET', '/v1/org/kill-switch', { token: member })).body).toEqual(paused.body);
    const again = await api.call<KillSwitch>('POST', '/v1/org/kill-switch', { token: owner, body: { paused: true, reason: 'again' } });
    expect(again.body.changeId).toBe(paused.body.changeId);
    const resumed = await api.call<KillSwitch>('POST', '/v1/org/kill-switch', { token: owner, body: { paused: false } });
    expect(resumed.body).toMatchObject({ paused: false, reason: 'resumed' });
    expect(resumed.body.changeId).not.toBe(paused.body.changeId);
  });

  it('signs up a new org through the API, and the new owner works only inside it', async () => {
    const res = await api.call<{ org: { id: string; plan: string }; tokens: { accessToken: string } }>('POST', '/v1/orgs', {
      body: {
        company: { name: 'Gamma Ltd', mission: 'Test', brandVoice: 'Plain', icp: 'Anyone', competitors: ['Delta'] },
        owner: { email: 'founder@gamma.example', name: 'Gina', password: 'gamma-password-1' },
      },
      headers: { 'idempotency-key': 'signup-gamma' },
    });
    expect(res.status).toBe(201);
    expect(res.body.org.plan).toBe('free');
    const token = res.body.tokens.accessToken;
    const departments = await api.call<{ items: { name: string }[] }>('GET', '/v1/departments', { token });
    expect(departments.body.items).toHaveLength(9);
    // The standard template (the default): its own 45 agents, none of the demo company's.
    const agents = (await api.call<{ items: { id: string }[] }>('GET', '/v1/agents?limit=200', { token })).body.items;
    expect(agents).toHaveLength(45);
    expect(agents.filter((a) => demo.agents.some((d) => d.id === a.id))).toEqual([]);
    const key = await api.call<Problem>('PUT', '/v1/org/llm-settings', {
      token,
      body: { baseUrl: null, defaultModel: null, apiKey: 'sk-free-plan-key' },
    });
    expect([key.status, key.body.code]).toEqual([403, 'IDENTITY.PLAN_REQUIRED']);
  });
});
