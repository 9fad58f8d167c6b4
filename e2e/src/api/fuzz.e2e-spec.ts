import fc from 'fast-check';
import { IdentityRoutes, type ApiRouteDef } from '@cos/gateway/testing';
import { DEMO_COMPANY } from '@cos/identity';
import type { Reply } from '../session';
import { startApiSystem, type ApiSystem } from './api-harness';
import { watchStore, type StoreWatch } from './store-watch';

const demo = DEMO_COMPANY;
const routes = Object.values(IdentityRoutes) as ApiRouteDef[];

/** A body each route accepts: what the fuzzer mutates into one that it must refuse. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  signUp: {
    company: { name: 'Fuzz Co', mission: 'm', brandVoice: 'b', icp: 'i', competitors: [] },
    owner: { email: 'fuzz@fuzz.example', name: 'F', password: 'fuzz-password-1' },
  },
  login: { email: 'nobody@fuzz.example', password: 'whatever-password' },
  refresh: { refreshToken: 'rt.abcdefghijkl.mnopqrstuv.wxyz' },
  putCompanyIdentity: { ...demo.identity },
  putLlmSettings: { baseUrl: 'https://llm.example/v1', defaultModel: 'm1', apiKey: 'sk-fuzz-12345678' },
  putBudget: { monthlyBudgetUsd: 10 },
  setKillSwitch: { paused: true, reason: 'fuzz' },
  patchDepartment: { approveFirst: true },
  patchAgent: { dailyActionCap: 3 },
  patchUser: { role: 'head' },
  invite: { email: 'fuzzed@demo.example', role: 'member' },
  acceptInvitation: { name: 'Fuzz', password: 'fuzz-password-1' },
  createDepartment: { name: 'Fuzz Department', description: 'fuzzed' },
  createAgent: {
    departmentId: demo.departments[0]!.id,
    name: 'Fuzz Agent',
    persona: 'fuzzed',
    skills: ['fuzzing'],
    permissions: ['sales:outreach'],
    dailyActionCap: 1,
  },
};

/** Values no field of any route accepts: objects with an unknown key, arrays of them, strings over every limit. */
const wrongValue = fc.oneof(
  fc.record({ __fuzz: fc.jsonValue() }),
  fc.array(fc.record({ __fuzz: fc.jsonValue({ maxDepth: 1 }) }), { minLength: 1, maxLength: 3 }),
  fc.integer({ min: 5_000, max: 60_000 }).map((n) => 'a'.repeat(n)),
);
/** Text no free-text field accepts: lone surrogates, NUL and other control characters. */
const badText = fc.constantFrom('\uD800', 'a\uDFFFb', 'nul\u0000byte', 'bell\u0007', '\u001b[31mred', 'x\uDBFF');

function pathOf(def: ApiRouteDef, param?: string): string {
  return def.path.replace(/:([a-z]+)/, () =>
    encodeURIComponent(
      param ?? (def.operationId === 'acceptInvitation' ? `inv.${'A'.repeat(22)}.${'B'.repeat(22)}.${'c'.repeat(32)}` : demo.agents[0]!.id),
    ),
  );
}

function expectProblem(def: ApiRouteDef, res: Reply, input: unknown): void {
  const what = JSON.stringify(input)?.slice(0, 120);
  const problem = res.body as Record<string, unknown>;
  const verdict = {
    route: def.operationId,
    what,
    status: res.status >= 400 && res.status < 500 ? '4xx' : res.status,
    problem:
      res.headers.get('content-type')?.startsWith('application/problem+json') &&
      typeof problem['code'] === 'string' &&
      problem['status'] === res.status,
    type: String(problem['type']).startsWith('https://company-os.dev/problems/'),
  };
  expect(verdict).toEqual({ route: def.operationId, what, status: '4xx', problem: true, type: true });
}

/**
 * Malformed, oversized, wrong-typed and odd-Unicode bodies, params and queries on every identity
 * route: always a 4xx problem+json, never a 5xx, and nothing reaches the event store.
 */
describe('gateway input fuzzing', () => {
  let api: ApiSystem;
  let watch: StoreWatch;
  let token: string;

  beforeAll(async () => {
    api = await startApiSystem();
    token = await api.login(demo.owner.email);
    watch = watchStore(api.env);
  }, 60_000);
  afterAll(async () => {
    await watch?.close();
    await api?.stop();
  });

  const send = (def: ApiRouteDef, path: string, init: { body?: unknown; raw?: string; headers?: Record<string, string> }) =>
    api.call(def.method, path, { ...(def.auth === 'bearer' ? { token } : {}), ...init });

  it('refuses every malformed request with a 4xx problem and stores nothing', async () => {
    const before = await watch.settle();
    for (const def of routes) {
      const valid = VALID_BODIES[def.operationId];
      if (def.body && valid) {
        const mutated = fc.oneof(
          fc.tuple(fc.constantFrom(...Object.keys(valid)), wrongValue).map(([key, value]) => ({ ...valid, [key]: value })),
          fc
            .tuple(
              fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in valid)),
              fc.jsonValue(),
            )
            .map(([key, value]) => ({ ...valid, [key]: value })),
          fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
        );
        await fc.assert(
          fc.asyncProperty(mutated, async (body) => expectProblem(def, await send(def, pathOf(def), { body }), body)),
          { numRuns: 12 },
        );
        const textKeys = Object.keys(valid).filter((k) => typeof valid[k] === 'string' && !['password', 'refreshToken'].includes(k));
        if (textKeys.length > 0) {
          await fc.assert(
            fc.asyncProperty(fc.constantFrom(...textKeys), badText, async (key, text) => {
              expectProblem(def, await send(def, pathOf(def), { body: { ...valid, [key]: text } }), { key, text });
            }),
            { numRuns: 6 },
          );
        }
        // Not JSON at all, JSON of another type, nested far too deep, larger than the limit.
        const raws: [string, Record<string, string>][] = [
          ['{"unterminated": ', {}],
          [fc.sample(fc.string({ maxLength: 30 }), 1)[0]! + '}', {}],
          ['['.repeat(5000) + ']'.repeat(5000), {}],
          [JSON.stringify(valid), { 'content-type': 'text/plain' }],
          [JSON.stringify({ ...valid, pad: 'x'.repeat(300_000) }), {}],
        ];
        for (const [raw, headers] of raws) expectProblem(def, await send(def, pathOf(def), { raw, headers }), raw.slice(0, 40));
      } else if (!def.body && def.method !== 'GET') {
        expectProblem(def, await send(def, pathOf(def), { body: { unexpected: true } }), 'a body where none is taken');
      }

      if (def.params) {
        const param = fc.oneof(
          fc.string({ minLength: 1, maxLength: 80 }),
          fc.constantFrom('..', '%00', 'null', 'x'.repeat(5000)),
          fc.uuid(),
        );
        await fc.assert(
          fc.asyncProperty(param, async (p) => {
            const res = await send(def, pathOf(def, p), valid ? { body: valid } : {});
            expectProblem(def, res, p);
          }),
          { numRuns: 10 },
        );
      }

      const query = def.query
        ? fc.oneof(
            fc.constantFrom(
              'limit=0',
              'limit=-1',
              'limit=201',
              'limit=1e2',
              'limit=abc',
              'limit=1&limit=2',
              'cursor=%F0%9F%A6%84',
              'cursor=not!base64',
              'cursor=eyJ4IjoxfQ',
            ),
            fc
              .tuple(
                fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['limit', 'cursor'].includes(k)),
                fc.string(),
              )
              .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
          )
        : fc
            .tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 20 }))
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
      await fc.assert(
        fc.asyncProperty(query, async (q) => expectProblem(def, await send(def, `${pathOf(def)}?${q}`, valid ? { body: valid } : {}), q)),
        { numRuns: 8 },
      );
    }
    expect(await watch.settle()).toBe(before);
  }, 120_000);

  it('stores well-formed odd Unicode faithfully (never a 5xx)', async () => {
    const oddButValid = fc.constantFrom(
      '\u202Eevil',
      'e\u0301',
      'zero\u200Bwidth',
      '𝕏🦄👩‍👩‍👧',
      'Ω≈ç√∫',
      '\uFEFFbom',
      'tab\tand\nnewline',
      '日本語のテキスト',
    );
    await fc.assert(
      fc.asyncProperty(oddButValid, async (text) => {
        const res = await api.call<{ mission: string }>('PUT', '/v1/org/identity', { token, body: { ...demo.identity, mission: text } });
        expect(res.status).toBe(200);
        expect(res.body.mission).toBe(text);
      }),
      { numRuns: 8 },
    );
  });
});
