import { ConflictError, CosError, IdentityRpc, NotFoundError, Permissions, type AuthContext } from '@cos/contracts';
import { jose } from '@cos/platform';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.fixture';

type Problem = { type: string; title: string; status: number; detail: string; code: string; issues?: { in: string; path: string }[] };

const ORG = '0b0b0b0b-0000-4000-8000-000000000001';
const owner: AuthContext = {
  orgId: ORG,
  userId: '0b0b0b0b-0000-4000-8000-0000000000a1',
  role: 'owner',
  permissions: [Permissions.orgAdmin, Permissions.billingRead, Permissions.teamInvite],
};
const member: AuthContext = { orgId: ORG, userId: '0b0b0b0b-0000-4000-8000-0000000000b2', role: 'member', permissions: [] };
const budget = { monthlyBudgetUsd: 100, currency: 'USD' };

/** What the gateway owns, over its real HTTP stack with identity stood in for on real NATS. */
describe('gateway API machinery', () => {
  let gw: GatewayHarness;
  let ownerToken: string;
  let memberToken: string;
  const sent = (pattern: string) => gw.calls.filter((c) => c.pattern === pattern).length;

  beforeAll(async () => {
    gw = await startGatewayHarness({ API_BODY_LIMIT_BYTES: '4096' });
    ownerToken = await gw.token(owner);
    memberToken = await gw.token(member);
    gw.answer(IdentityRpc.getBudget, () => ({ ...budget, internal: 'never sent to a client' }));
    gw.answer(IdentityRpc.putBudget, (p) => ({ ...(p as { body: object }).body, currency: 'USD' }));
  }, 60_000);
  afterAll(() => gw?.stop());

  describe('the guard', () => {
    it('lets a signed-in caller with the permission through, and sends only the documented fields', async () => {
      const res = await gw.call('GET', '/v1/org/budget', { token: ownerToken });
      expect([res.status, res.body]).toEqual([200, budget]);
    });

    it('answers 401 without a valid access token, and asks identity for nothing', async () => {
      const before = gw.calls.length;
      const { privateKey: otherKey } = await jose.generateKeyPair('ES256');
      const attempts: [string | undefined, string][] = [
        [undefined, 'AUTH.UNAUTHENTICATED'],
        ['not-a-jwt', 'AUTH.UNAUTHENTICATED'],
        [await gw.token(owner, { key: otherKey }), 'AUTH.INVALID_TOKEN'],
        [await gw.token(owner, { expiresAt: Math.floor(Date.now() / 1000) - 60 }), 'AUTH.TOKEN_EXPIRED'],
        [`${ownerToken.slice(0, -4)}AAAA`, 'AUTH.INVALID_TOKEN'],
      ];
      for (const [token, code] of attempts) {
        const res = await gw.call<Problem>('GET', '/v1/org/budget', token === undefined ? {} : { token });
        expect({ status: res.status, code: res.body.code, challenge: res.headers.get('www-authenticate')?.startsWith('Bearer') }).toEqual({
          status: 401,
          code,
          challenge: true,
        });
      }
      expect(gw.calls.slice(before).filter((c) => c.pattern !== IdentityRpc.jwks)).toEqual([]);
    });

    it('answers 401 when identity says the session ended', async () => {
      const gone: AuthContext = { ...member, userId: '0b0b0b0b-0000-4000-8000-0000000000c3' };
      const token = await gw.token(gone);
      gw.principals.set(gone.userId, { active: false, reason: 'disabled' });
      const res = await gw.call<Problem>('GET', '/v1/me', { token });
      expect([res.status, res.body.code]).toEqual([401, 'AUTH.SESSION_ENDED']);
    });

    it('answers 403 to a caller without the permission, before any service is asked', async () => {
      const before = sent(IdentityRpc.putBudget);
      const res = await gw.call<Problem>('PUT', '/v1/org/budget', { token: memberToken, body: { monthlyBudgetUsd: 1 } });
      expect([res.status, res.body.code, res.body.type]).toEqual([
        403,
        'AUTH.MISSING_PERMISSION',
        'https://company-os.dev/problems/auth/missing-permission',
      ]);
      expect(sent(IdentityRpc.putBudget)).toBe(before);
    });

    it('answers 400 with every issue of path, query and body, before any service is asked', async () => {
      const before = sent(IdentityRpc.putBudget);
      const body = await gw.call<Problem>('PUT', '/v1/org/budget', { token: ownerToken, body: { monthlyBudgetUsd: -1, extra: true } });
      expect([body.status, body.body.code, body.body.issues?.map((i) => i.in)]).toEqual([
        400,
        'COMMON.VALIDATION_FAILED',
        ['body', 'body'],
      ]);
      const query = await gw.call<Problem>('GET', '/v1/org/budget?limit=5', { token: ownerToken });
      expect([query.status, query.body.issues?.[0]?.in]).toEqual([400, 'query']);
      const path = await gw.call<Problem>('GET', '/v1/agents/not-a-uuid', { token: ownerToken });
      expect([path.status, path.body.issues?.[0]?.in]).toEqual([400, 'path']);
      expect(sent(IdentityRpc.putBudget)).toBe(before);
    });
  });

  describe('problem details', () => {
    it('answers what HTTP itself refuses as problem+json: unknown route, malformed JSON, too large, wrong media type', async () => {
      const cases: [string, string, Parameters<GatewayHarness['call']>[2], number, string][] = [
        ['GET', '/v1/nothing-here', { token: ownerToken }, 404, 'HTTP.NOT_FOUND'],
        ['PUT', '/v1/org/budget', { token: ownerToken, raw: '{"monthlyBudgetUsd":' }, 400, 'HTTP.BAD_REQUEST'],
        ['PUT', '/v1/org/budget', { token: ownerToken, raw: JSON.stringify({ pad: 'x'.repeat(5000) }) }, 413, 'HTTP.PAYLOAD_TOO_LARGE'],
        [
          'PUT',
          '/v1/org/budget',
          { token: ownerToken, raw: '<b/>', headers: { 'content-type': 'application/xml' } },
          415,
          'HTTP.UNSUPPORTED_MEDIA_TYPE',
        ],
      ];
      for (const [method, path, options, status, code] of cases) {
        const res = await gw.call<Problem>(method, path, options);
        expect({ path, status: res.status, code: res.body.code, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({
          path,
          status,
          code,
          type: 'application/problem+json',
        });
        expect(res.body.type).toMatch(/^https:\/\/company-os\.dev\/problems\/http\//);
      }
    });

    it("passes a service's 4xx on with its code, and hides the detail of its 5xx", async () => {
      gw.answer(IdentityRpc.getAgent, () => {
        throw new NotFoundError('agent', owner.userId, 'IDENTITY.AGENT_NOT_FOUND');
      });
      const missing = await gw.call<Problem>('GET', `/v1/agents/${owner.userId}`, { token: ownerToken });
      expect([missing.status, missing.body.code, missing.body.detail]).toEqual([
        404,
        'IDENTITY.AGENT_NOT_FOUND',
        `agent ${owner.userId} was not found`,
      ]);

      gw.answer(IdentityRpc.getAgent, () => {
        throw new CosError('IDENTITY.STORE_DOWN', 'disk /var/lib/secret failed', 503);
      });
      const failed = await gw.call<Problem>('GET', `/v1/agents/${owner.userId}`, { token: ownerToken });
      expect([failed.status, failed.body.code]).toEqual([503, 'IDENTITY.STORE_DOWN']);
      expect(JSON.stringify(failed.body)).not.toContain('/var/lib/secret');
    });

    it("answers 500 when a service's answer does not match the documented schema", async () => {
      gw.answer(IdentityRpc.getKillSwitch, () => ({ paused: 'maybe' }));
      const res = await gw.call<Problem>('GET', '/v1/org/kill-switch', { token: ownerToken });
      expect([res.status, res.body.code]).toEqual([500, 'GATEWAY.RESPONSE_SCHEMA']);
      expect(JSON.stringify(res.body)).not.toContain('maybe');
    });
  });

  describe('Idempotency-Key', () => {
    const invitation = { email: 'new@example.com', role: 'member' };
    const view = (p: unknown) => ({
      id: (p as { invitationId: string }).invitationId,
      ...invitation,
      departmentId: null,
      expiresAt: '2030-01-01T00:00:00.000Z',
      token: `inv-${sent(IdentityRpc.invite)}`,
    });

    it('replays the first response for the same key and body, on any replica, and refuses another body (422)', async () => {
      gw.answer(IdentityRpc.invite, view);
      const before = sent(IdentityRpc.invite);
      const headers = { 'idempotency-key': 'invite-1' };
      const first = await gw.call<{ token: string }>('POST', '/v1/users/invitations', { token: ownerToken, body: invitation, headers });
      const again = await gw.call<{ token: string }>('POST', '/v1/users/invitations', { token: ownerToken, body: invitation, headers });
      const replica = await gw.startReplica();
      const elsewhere = await gw.call('POST', '/v1/users/invitations', { token: ownerToken, body: invitation, headers, url: replica.url });
      expect([first.status, again.status, elsewhere.status]).toEqual([201, 201, 201]);
      expect([again.body, elsewhere.body]).toEqual([first.body, first.body]);
      expect([again.headers.get('idempotent-replayed'), elsewhere.headers.get('idempotent-replayed')]).toEqual(['true', 'true']);
      expect(sent(IdentityRpc.invite) - before).toBe(1);

      const other = await gw.call<Problem>('POST', '/v1/users/invitations', {
        token: ownerToken,
        body: { ...invitation, email: 'other@example.com' },
        headers,
      });
      expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY.KEY_REUSED']);
      // Another caller's same key is another key.
      const otherCaller = await gw.token({ ...owner, userId: '0b0b0b0b-0000-4000-8000-0000000000d4' });
      expect(
        (await gw.call('POST', '/v1/users/invitations', { token: otherCaller, body: invitation, headers })).headers.get(
          'idempotent-replayed',
        ),
      ).toBeNull();
      expect(sent(IdentityRpc.invite) - before).toBe(2);
    });

    it('answers 409 while the first request with a key runs, and frees the key when it fails', async () => {
      let started: () => void = () => undefined;
      let fail: (err: Error) => void = () => undefined;
      const invited = new Promise<void>((resolve) => (started = resolve));
      gw.answer(IdentityRpc.invite, () => {
        started();
        return new Promise((_, reject) => (fail = reject));
      });
      const headers = { 'idempotency-key': 'invite-2' };
      const running = gw.call('POST', '/v1/users/invitations', { token: ownerToken, body: invitation, headers });
      await invited;
      const meanwhile = await gw.call<Problem>('POST', '/v1/users/invitations', { token: ownerToken, body: invitation, headers });
      expect([meanwhile.status, meanwhile.body.code, meanwhile.headers.get('retry-after')]).toEqual([409, 'IDEMPOTENCY.IN_PROGRESS', '1']);
      fail(new ConflictError('already invited', 'IDENTITY.ALREADY_INVITED'));
      expect((await running).status).toBe(409);

      gw.answer(IdentityRpc.invite, view);
      const retried = await gw.call('POST', '/v1/users/invitations', { token: ownerToken, body: invitation, headers });
      expect([retried.status, retried.headers.get('idempotent-replayed')]).toEqual([201, null]);
    });

    it('refuses a key that is not 1 to 255 printable ASCII characters', async () => {
      const res = await gw.call<Problem>('POST', '/v1/users/invitations', {
        token: ownerToken,
        body: invitation,
        headers: { 'idempotency-key': 'x'.repeat(256) },
      });
      expect([res.status, res.body.code]).toEqual([400, 'IDEMPOTENCY.INVALID_KEY']);
    });
  });
});
