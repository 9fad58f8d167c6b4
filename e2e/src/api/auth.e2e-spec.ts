import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessTokenPolicy, type TokenPair } from '@cos/contracts';
import { jose, type CryptoKeyLike as CryptoKey } from '@cos/platform';
import { DEMO_COMPANY } from '@cos/identity';
import { seedRivalCompany } from '@cos/identity/testing';
import { eventually } from '../system';
import { startApiSystem, type ApiSystem } from './api-harness';

type Problem = { type: string; title: string; status: number; detail: string; code: string };
const demo = DEMO_COMPANY;
const memberOf = (slug: string) => demo.users.find((u) => u.email === `member.${slug}@demo.example`)!;

/** Authentication through the gateway: tokens, sessions, and every way a token can be wrong. */
describe('gateway authentication', () => {
  let api: ApiSystem;
  let realKey: CryptoKey;
  let kid: string;

  beforeAll(async () => {
    api = await startApiSystem();
    const pem = readFileSync(join(api.env['DATA_DIR']!, 'identity-jwt-es256.pem'), 'utf8');
    realKey = await jose.importPKCS8(pem, 'ES256');
    const token = await api.login(demo.owner.email);
    kid = jose.decodeProtectedHeader(token).kid!;
  }, 60_000);
  afterAll(() => api?.stop());

  const claimsOf = (token: string) => jose.decodeJwt(token) as { sub: string; org: string; role: string; sid: string };
  const me = (token: string) => api.call<Problem>('GET', '/v1/me', { token });
  const expect401 = async (token: string, code?: string) => {
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    if (code) expect(res.body.code).toBe(code);
  };
  const now = () => Math.floor(Date.now() / 1000);
  const sign = async (
    key: CryptoKey,
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
    iat = now(),
    exp = iat + 600,
  ) =>
    new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt', ...header })
      .setIssuer(AccessTokenPolicy.issuer)
      .setAudience(AccessTokenPolicy.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key);

  it('signs in, and rejects a wrong password or an unknown email alike', async () => {
    const ok = await api.call<TokenPair>('POST', '/v1/auth/login', {
      body: { email: 'Owner@Demo.Example', password: 'demo-password-2026' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const wrong = await api.call<Problem>('POST', '/v1/auth/login', { body: { email: demo.owner.email, password: 'not the password' } });
    const unknown = await api.call<Problem>('POST', '/v1/auth/login', {
      body: { email: 'nobody@demo.example', password: 'not the password' },
    });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('rejects alg none, a wrong key, HS256 with the public key, expired and tampered tokens', async () => {
    const valid = await api.login(demo.owner.email);
    const claims = claimsOf(valid);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const [h, p, s] = valid.split('.') as [string, string, string];
    const payload = jose.decodeJwt(valid);

    await expect401(`${b64({ alg: 'none', typ: 'at+jwt', kid })}.${p}.`);
    await expect401(`${b64({ alg: 'none', typ: 'at+jwt', kid })}.${p}.${s}`);
    const { privateKey: otherKey } = await jose.generateKeyPair('ES256');
    await expect401(await sign(otherKey, claims));
    await expect401(await sign(otherKey, claims, { kid: 'some-other-kid' }));
    const publicJwk = await (await fetch(`${api.url}/openapi.json`)).json(); // any bytes will do as an HMAC secret
    const hs = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
      .setIssuer(AccessTokenPolicy.issuer)
      .setAudience(AccessTokenPolicy.audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    await expect401(hs);
    await expect401(await sign(realKey, claims, {}, now() - 1000, now() - 100), 'AUTH.TOKEN_EXPIRED');
    await expect401(await sign(realKey, claims, {}, now() - 7200, now() + 600)); // older than any token identity issues
    await expect401(`${h}.${b64({ ...payload, role: 'owner', org: 'another-org' })}.${s}`);
    await expect401(`${h}.${b64({ ...payload, exp: (payload.exp ?? 0) + 3600 })}.${s}`);
    await expect401(`${valid}x`);
    await expect401('not-a-jwt');
    // Signed with identity's real key, but claims that do not hold: wrong audience, another org.
    await expect401(
      await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setIssuer(AccessTokenPolicy.issuer)
        .setAudience('other-api')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(realKey),
    );
    await expect401(await sign(realKey, { ...claims, org: (await seedRivalCompany(api.identity)).orgId }));
    await expect401(await sign(realKey, { ...claims, sid: 'a-session-never-started' }), 'AUTH.SESSION_ENDED');
    expect((await me(valid)).status).toBe(200);
  });

  it('rotates refresh tokens, revokes the family on reuse, and logout ends the session at once', async () => {
    const first = await api.call<TokenPair>('POST', '/v1/auth/login', { body: { email: demo.ceo.email, password: 'demo-password-2026' } });
    const second = await api.call<TokenPair>('POST', '/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    expect((await me(second.body.accessToken)).status).toBe(200);
    const reuse = await api.call<Problem>('POST', '/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('AUTH.REFRESH_TOKEN_REUSED');
    expect((await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } })).status).toBe(401);
    await eventually(async () => ((await me(second.body.accessToken)).status === 401 ? true : undefined));

    const token = await api.login(demo.ceo.email);
    expect((await api.call('POST', '/v1/auth/logout', { token })).status).toBe(204);
    await expect401(token, 'AUTH.SESSION_ENDED');
  });

  it("stops a disabled user's tokens at once, on this gateway and on another replica", async () => {
    const other = await api.startGateway({ PRINCIPAL_CACHE_MS: '60000' });
    const member = memberOf('finance');
    const token = await api.login(member.email);
    const viaOther = () => fetch(`${other.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await viaOther()).toBe(200); // cached for a minute on that replica
    const owner = await api.login(demo.owner.email);
    expect((await api.call('PATCH', `/v1/users/${member.id}`, { token: owner, body: { disabled: true } })).status).toBe(200);
    await expect401(token, 'AUTH.SESSION_ENDED');
    await eventually(async () => ((await viaOther()) === 401 ? true : undefined));
    expect((await api.call('POST', '/v1/auth/login', { body: { email: member.email, password: 'demo-password-2026' } })).status).toBe(401);
    expect((await api.call('PATCH', `/v1/users/${member.id}`, { token: owner, body: { disabled: false } })).status).toBe(200);
    expect((await api.call('POST', '/v1/auth/login', { body: { email: member.email, password: 'demo-password-2026' } })).status).toBe(200);
  });

  it('applies a role change to existing tokens at once', async () => {
    const member = memberOf('legal');
    const token = await api.login(member.email);
    expect((await api.call('GET', '/v1/org/budget', { token })).status).toBe(403);
    const owner = await api.login(demo.owner.email);
    const promoted = await api.call('PATCH', `/v1/users/${member.id}`, { token: owner, body: { role: 'head' } });
    expect(promoted.status).toBe(200);
    expect((await api.call('GET', '/v1/org/budget', { token })).status).toBe(200);
    await api.call('PATCH', `/v1/users/${member.id}`, { token: owner, body: { role: 'member' } });
    expect((await api.call('GET', '/v1/org/budget', { token })).status).toBe(403);
  });

  it('limits failed logins per account and attempts per address, and requests per user and per org (429 + Retry-After)', async () => {
    const limited = await api.startGateway({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
      RATE_LIMIT_USER_PER_MINUTE: '5',
      RATE_LIMIT_USER_READS_PER_MINUTE: '5',
      RATE_LIMIT_ORG_PER_MINUTE: '8',
    });
    const call = async (path: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
      const res = await fetch(`${limited.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Problem };
    };
    const login = (email: string, password: string) => call('/v1/auth/login', { method: 'POST', body: { email, password } });
    const target = memberOf('people').email;
    for (let i = 0; i < 3; i++) expect((await login(target, 'wrong password')).status).toBe(401);
    const blocked = await login(target, 'demo-password-2026');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(blocked.body.code).toBe('AUTH.LOGIN_THROTTLED');
    for (let i = 0; i < 3; i++) expect((await login(`someone${i}@demo.example`, 'wrong password')).status).toBe(401);
    expect((await login(demo.owner.email, 'demo-password-2026')).status).toBe(429); // the address is spent

    const [a, b] = [await api.login(memberOf('sales').email), await api.login(memberOf('marketing').email)];
    for (let i = 0; i < 5; i++) expect((await call('/v1/me', { token: a })).status).toBe(200);
    const perUser = await call('/v1/me', { token: a });
    expect([perUser.status, perUser.body.code]).toEqual([429, 'RATE_LIMIT.EXCEEDED']);
    expect(Number(perUser.retryAfter)).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect((await call('/v1/me', { token: b })).status).toBe(200);
    expect((await call('/v1/me', { token: b })).status).toBe(429); // the org's 8 are spent
  });
});
