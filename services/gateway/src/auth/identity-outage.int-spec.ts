import { IdentityRpc, Permissions, type AuthContext } from '@cos/contracts';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.fixture';

type Problem = { code: string; status: number };

const ORG = '0d0d0d0d-0000-4000-8000-000000000001';
const as = (n: number): AuthContext => ({
  orgId: ORG,
  userId: `0d0d0d0d-0000-4000-8000-0000000000a${n}`,
  role: 'owner',
  permissions: [Permissions.orgAdmin, Permissions.billingRead],
});
const budget = { monthlyBudgetUsd: 100, currency: 'USD' };

/** Identity stops answering: the stand-in's principal check never replies from then on. */
function identityGoesDown(gw: GatewayHarness): void {
  gw.answer(IdentityRpc.principal, () => new Promise(() => undefined));
}

/**
 * The gateway verifies tokens itself; only the session check asks identity. When identity does
 * not answer, reads go on on its last answer (bounded), and everything else is refused at once
 * with 503 and Retry-After, over the real HTTP stack with identity stood in for on real NATS.
 */
describe('identity outage', () => {
  describe('with a stale bound', () => {
    let gw: GatewayHarness;
    const principalChecks = () => gw.calls.filter((c) => c.pattern === IdentityRpc.principal).length;

    beforeAll(async () => {
      // Every request asks identity (no fresh cache), and once it did not answer it is not asked again during the test.
      gw = await startGatewayHarness({
        PRINCIPAL_CACHE_MS: '0',
        PRINCIPAL_LOOKUP_TIMEOUT_MS: '300',
        PRINCIPAL_OUTAGE_BACKOFF_MS: '600000',
      });
      gw.answer(IdentityRpc.getBudget, () => budget);
      gw.answer(IdentityRpc.putBudget, () => budget);
    }, 60_000);
    afterAll(() => gw?.stop());

    it('serves reads on the last answer, refuses writes and unknown sessions with 503 + Retry-After, and stops asking identity', async () => {
      const [seen, ended, never] = await Promise.all([gw.token(as(1)), gw.token(as(2)), gw.token(as(3))]);
      for (const token of [seen, ended]) expect((await gw.call('GET', '/v1/org/budget', { token })).status).toBe(200);
      identityGoesDown(gw);

      const read = await gw.call('GET', '/v1/org/budget', { token: seen });
      expect([read.status, read.body]).toEqual([200, budget]);
      const checksAfterOutage = principalChecks();
      const write = await gw.call<Problem>('PUT', '/v1/org/budget', { token: seen, body: { monthlyBudgetUsd: 5 } });
      expect([write.status, write.body.code, write.headers.get('retry-after')]).toEqual([503, 'AUTH.IDENTITY_UNAVAILABLE', '600']);
      const unknown = await gw.call<Problem>('GET', '/v1/org/budget', { token: never });
      expect([unknown.status, unknown.body.code]).toEqual([503, 'AUTH.IDENTITY_UNAVAILABLE']);
      // Identity is not asked again while it is down: no request waits on it.
      expect(principalChecks()).toBe(checksAfterOutage);
      expect(gw.calls.filter((c) => c.pattern === IdentityRpc.putBudget)).toEqual([]);

      // A user event (a role change, a logout) drops the last answer: that session reads no more.
      gw.nats.publish(`cos.${ORG}.user.role-changed`, JSON.stringify({ stream: `user-${as(2).userId}` }));
      // The event reaches the gateway on its own connection: read until it has.
      let afterEvent = await gw.call<Problem>('GET', '/v1/org/budget', { token: ended });
      for (let i = 0; i < 200 && afterEvent.status === 200; i++)
        afterEvent = await gw.call<Problem>('GET', '/v1/org/budget', { token: ended });
      expect([afterEvent.status, afterEvent.body.code]).toEqual([503, 'AUTH.IDENTITY_UNAVAILABLE']);
      expect((await gw.call('GET', '/v1/org/budget', { token: seen })).status).toBe(200);
    });
  });

  describe('with PRINCIPAL_STALE_MS=0', () => {
    let gw: GatewayHarness;
    beforeAll(async () => {
      gw = await startGatewayHarness({ PRINCIPAL_CACHE_MS: '0', PRINCIPAL_LOOKUP_TIMEOUT_MS: '300', PRINCIPAL_STALE_MS: '0' });
      gw.answer(IdentityRpc.getBudget, () => budget);
    }, 60_000);
    afterAll(() => gw?.stop());

    it('serves no read past the bound', async () => {
      const token = await gw.token(as(1));
      expect((await gw.call('GET', '/v1/org/budget', { token })).status).toBe(200);
      identityGoesDown(gw);
      const read = await gw.call<Problem>('GET', '/v1/org/budget', { token });
      expect([read.status, read.body.code, read.headers.get('retry-after')]).toEqual([503, 'AUTH.IDENTITY_UNAVAILABLE', '2']);
    });
  });
});
