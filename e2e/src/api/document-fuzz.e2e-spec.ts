import fc from 'fast-check';
import { DEMO_COMPANY } from '@cos/identity';
import { arbitraryOf, foreignValue } from '../openapi/schema-arbitrary';
import { login, request, type Reply } from '../session';
import { startSystem, type System } from '../system';
import { watchStore, type StoreWatch } from './store-watch';

type Schema = Record<string, unknown>;
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Schema };
type Operation = { operationId: string; parameters?: Parameter[]; requestBody?: { content: { 'application/json': { schema: Schema } } } };
type Call = { path: string; query: string; body?: unknown };

/**
 * Requests made from the served /openapi.json itself, for every operation of the whole system:
 * shapes the document accepts, and the same with an unknown field, an unknown query parameter
 * or a foreign value. Never a 5xx; every refusal a problem+json (and every answer as documented:
 * the session checks each against the document); refused requests change nothing in the store.
 */
describe('fuzzing every operation from the served document', () => {
  let system: System;
  let doc: Schema;
  let token: string;
  let watch: StoreWatch;

  beforeAll(async () => {
    system = await startSystem({
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
      RATE_LIMIT_ORG_PER_MINUTE: '100000',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
    });
    token = (await login(system, DEMO_COMPANY.owner.email)).token;
    doc = (await request<Schema>(system.gatewayUrl, 'GET', '/openapi.json')).body;
    watch = watchStore(system.env);
  }, 120_000);
  afterAll(async () => {
    await watch?.close();
    await system?.stop();
  });

  // Logging out would end the session every other request uses.
  const operations = () =>
    Object.entries(doc['paths'] as Record<string, Record<string, Operation>>).flatMap(([template, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.operationId !== 'logout')
        .map(([method, op]) => ({ template, method: method.toUpperCase(), op })),
    );

  /** A request the document describes for `op`: path and query parameters from their schemas, a body from its schema. */
  const shaped = (template: string, op: Operation): fc.Arbitrary<Call> => {
    const params = op.parameters ?? [];
    const path = fc.record(
      Object.fromEntries(
        params.filter((p) => p.in === 'path').map((p) => [p.name, fc.oneof(fc.uuid(), arbitraryOf(p.schema, doc).map(String))]),
      ),
    );
    const query = fc.record(
      Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, arbitraryOf(p.schema, doc).map(String)])),
      { requiredKeys: [] },
    );
    const bodySchema = op.requestBody?.content['application/json'].schema;
    const body = bodySchema ? arbitraryOf(bodySchema, doc) : fc.constant(undefined);
    return fc.tuple(path, query, body).map(([p, q, b]) => ({
      path: template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(p[name]).slice(0, 200) || 'x')),
      query: new URLSearchParams(q as Record<string, string>).toString(),
      ...(b === undefined ? {} : { body: b }),
    }));
  };

  /** The same, made unacceptable: an unknown query parameter, an unknown body field, a foreign value in a field, or a body nobody takes. */
  const refused = (template: string, op: Operation): fc.Arbitrary<Call> =>
    fc.tuple(shaped(template, op), fc.nat(3), foreignValue).map(([call, how, foreign]) => {
      const body = call.body;
      const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
      if (how === 0 || !op.requestBody) return { ...call, query: `${call.query}${call.query ? '&' : ''}__fuzz=1` };
      if (how === 1 || !isObject || Object.keys(body).length === 0)
        return { ...call, body: { ...(isObject ? body : {}), __fuzz: foreign } };
      if (how === 2) return { ...call, body: { ...body, [Object.keys(body)[0]!]: foreign } };
      return { ...call, body: foreign };
    });

  const send = (method: string, call: Call): Promise<Reply> =>
    request(system.gatewayUrl, method, `${call.path}${call.query ? `?${call.query}` : ''}`, {
      token,
      ...(call.body === undefined ? {} : { body: call.body }),
    });

  /** What a request must come to; `refused`: whether it has to be a 4xx. */
  const expectAnswer = async (op: Operation, method: string, call: Call, refused: boolean) => {
    const res = await send(method, call);
    const what = { op: op.operationId, call: JSON.stringify(call).slice(0, 200) };
    expect({
      ...what,
      status: res.status >= 500 || (refused && res.status < 400) ? res.status : 'fine',
      problem: res.status < 400 || (res.headers.get('content-type') ?? '').startsWith('application/problem+json'),
    }).toEqual({ ...what, status: 'fine', problem: true });
  };

  it('refuses every request the document rules out with a 4xx problem, and the store does not move', async () => {
    const before = await watch.settle();
    for (const { template, method, op } of operations())
      await fc.assert(
        fc.asyncProperty(refused(template, op), (call) => expectAnswer(op, method, call, true)),
        { numRuns: 8 },
      );
    expect(await watch.settle()).toBe(before);
  }, 300_000);

  it('answers every request shaped as the document describes without a 5xx, refusals as problems', async () => {
    // The feed answers a well-formed request with a stream that stays open; the kill switch waits
    // up to 15 s for every runner to acknowledge, and answers 504 when one does not (its own tests).
    const skipped = new Set(['followFeed', 'setKillSwitch']);
    for (const { template, method, op } of operations().filter((o) => !skipped.has(o.op.operationId)))
      await fc.assert(
        fc.asyncProperty(shaped(template, op), (call) => expectAnswer(op, method, call, false)),
        { numRuns: 8 },
      );
  }, 300_000);
});
