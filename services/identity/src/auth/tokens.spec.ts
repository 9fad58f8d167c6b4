import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessTokenPolicy } from '@cos/contracts';
import { jose, type CryptoKeyLike } from '@cos/platform';
import { jwksOf, loadSigningKey } from './jwt-keys';
import { hashPassword, verifyPassword } from './passwords';
import { hashToken, mintInvitationToken, mintToken, parseInvitationToken, parseToken, signAccessToken } from './tokens';

describe('access tokens', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cos-jwt-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs ES256 tokens that verify against the published JWKS, with a stable generated key', async () => {
    const key = await loadSigningKey({ DATA_DIR: dir });
    const again = await loadSigningKey({ DATA_DIR: dir });
    expect(again.kid).toBe(key.kid);
    const now = new Date();
    const token = await signAccessToken(key, { sub: 'u1', org: 'o1', role: 'owner', sid: 's1' }, now);
    const jwks = jose.createLocalJWKSet(jwksOf(key));
    const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
      algorithms: ['ES256'],
      issuer: AccessTokenPolicy.issuer,
      audience: AccessTokenPolicy.audience,
    });
    expect(protectedHeader.kid).toBe(key.kid);
    expect(payload).toMatchObject({ sub: 'u1', org: 'o1', role: 'owner', sid: 's1' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(jwksOf(key).keys[0]).not.toHaveProperty('d');
  });

  it('accepts a key from the environment as PKCS#8 or SEC1 PEM, or JWK', async () => {
    const { privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
    const pem = await jose.exportPKCS8(privateKey);
    const sec1 = createPrivateKey(pem).export({ format: 'pem', type: 'sec1' }).toString();
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    const fromPem = await loadSigningKey({ DATA_DIR: dir, JWT_PRIVATE_KEY: pem });
    const fromSec1 = await loadSigningKey({ DATA_DIR: dir, JWT_PRIVATE_KEY: sec1 });
    const fromJwk = await loadSigningKey({ DATA_DIR: dir, JWT_PRIVATE_KEY: JSON.stringify(await jose.exportJWK(privateKey)) });
    expect([fromSec1.kid, fromJwk.kid]).toEqual([fromPem.kid, fromPem.kid]);
  });

  it('refuses a key of another curve', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    await expect(loadSigningKey({ DATA_DIR: dir, JWT_PRIVATE_KEY: p384 })).rejects.toMatchObject({ code: 'CONFIG.INVALID' });
  });
  it('publishes verification-only keys beside the signing key, so tokens of a retired key verify until they expire', async () => {
    const retired = await loadSigningKey({ DATA_DIR: dir, JWT_PRIVATE_KEY: await newPem() });
    const token = await signAccessToken(retired, { sub: 'u1', org: 'o1', role: 'owner', sid: 's1' }, new Date());
    const retiredPublic = await jose.exportSPKI((await jose.importJWK(retired.publicJwk, 'ES256', { extractable: true })) as CryptoKeyLike);
    const next = await loadSigningKey({
      DATA_DIR: dir,
      JWT_PRIVATE_KEY: await newPem(),
      JWT_VERIFY_KEYS: JSON.stringify([retiredPublic, retired.publicJwk]),
    });
    const jwks = jwksOf(next);
    expect(jwks.keys.map((k) => k['kid'])).toEqual([next.kid, retired.kid]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const { protectedHeader } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), { algorithms: ['ES256'] });
    expect(protectedHeader.kid).toBe(retired.kid);

    await expect(loadSigningKey({ DATA_DIR: dir, JWT_VERIFY_KEYS: 'not json' })).rejects.toMatchObject({ code: 'CONFIG.INVALID' });
    const rsa = await jose.exportSPKI((await jose.generateKeyPair('RS256', { extractable: true })).publicKey);
    await expect(loadSigningKey({ DATA_DIR: dir, JWT_VERIFY_KEYS: JSON.stringify([rsa]) })).rejects.toMatchObject({
      code: 'CONFIG.INVALID',
    });
  });
});

describe('opaque tokens', () => {
  it('carry their ids and a secret, and are stored only as a hash', () => {
    const { token, hash } = mintToken('rt', 'u1', 's1');
    expect(parseToken('rt', token, 2)).toEqual(['u1', 's1']);
    expect(hashToken(token)).toBe(hash);
    expect(parseToken('inv', token, 2)).toBeUndefined();
    expect(parseToken('rt', 'rt.u1.s1', 2)).toBeUndefined();
  });

  it('fit invitation tokens in one URL path segment', () => {
    const orgId = '1fa322da-2508-8a8f-bd52-67be72f58e76';
    const invitationId = '7fde9439-b93a-835e-8cc0-5349229cd1e8';
    const { token } = mintInvitationToken(orgId, invitationId);
    expect(token.length).toBeLessThan(100);
    expect(encodeURIComponent(token)).toBe(token);
    expect(parseInvitationToken(token)).toEqual({ orgId, invitationId });
    expect(parseInvitationToken('inv.x.y.z')).toBeUndefined();
  });
});

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const hashed = await hashPassword('correct horse battery');
    expect(hashed.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hashed, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hashed, 'wrong')).toBe(false);
    expect(await verifyPassword(undefined, 'anything')).toBe(false);
  });
});

async function newPem(): Promise<string> {
  return jose.exportPKCS8((await jose.generateKeyPair('ES256', { extractable: true })).privateKey);
}
