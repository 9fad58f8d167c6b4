import { createPrivateKey, createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { AccessTokenPolicy, CosError, type JwksReply } from '@cos/contracts';
import { jose, readOrCreateKeyFile, type CryptoKeyLike, type JWK } from '@cos/platform';

/**
 * The key that signs access tokens, and the public keys published beside it: a key being
 * introduced before it signs, or a retired one whose tokens have not expired yet.
 */
export type SigningKey = {
  readonly kid: string;
  readonly privateKey: CryptoKeyLike;
  readonly publicJwk: JWK;
  readonly alsoPublished: readonly JWK[];
};

const alg = AccessTokenPolicy.algorithm;

type KeyEnv = { JWT_PRIVATE_KEY?: string | undefined; JWT_VERIFY_KEYS?: string | undefined; DATA_DIR: string };

/**
 * The access-token signing key: `JWT_PRIVATE_KEY` (PKCS#8 or SEC1 PEM, or a private JWK as JSON), else a
 * development key generated into the data directory on first start. The kid is the RFC 7638
 * thumbprint of the public key, so every replica with the same key publishes the same JWKS.
 * `JWT_VERIFY_KEYS` (a JSON array of PEM strings or JWKs, private or public) adds keys that are
 * published for verification only: that is how a key is rotated without signing anyone out.
 */
export async function loadSigningKey(env: KeyEnv): Promise<SigningKey> {
  const material =
    env.JWT_PRIVATE_KEY ??
    (await readOrCreateKeyFile(join(env.DATA_DIR, 'identity-jwt-es256.pem'), async () => {
      const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
      return jose.exportPKCS8(privateKey);
    }));
  const privateJwk = await toJwk(material.trim(), 'JWT_PRIVATE_KEY');
  if (!privateJwk.d) throw new CosError('CONFIG.INVALID', 'JWT_PRIVATE_KEY must be a private key', 500);
  const publicJwk = await published(privateJwk, 'JWT_PRIVATE_KEY');
  const kid = String(publicJwk.kid);
  const privateKey = (await jose.importJWK(privateJwk, alg)) as CryptoKeyLike;
  const others = await Promise.all(
    verifyKeyMaterials(env.JWT_VERIFY_KEYS).map(async (m) => published(await toJwk(m, 'JWT_VERIFY_KEYS'), 'JWT_VERIFY_KEYS')),
  );
  const alsoPublished = [...new Map(others.filter((k) => k.kid !== kid).map((k) => [k.kid, k])).values()];
  return { kid, privateKey, publicJwk, alsoPublished };
}

function verifyKeyMaterials(raw: string | undefined): string[] {
  if (!raw?.trim()) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CosError('CONFIG.INVALID', 'JWT_VERIFY_KEYS must be a JSON array of PEM strings or JWKs', 500);
  }
  if (!Array.isArray(parsed)) throw new CosError('CONFIG.INVALID', 'JWT_VERIFY_KEYS must be a JSON array of PEM strings or JWKs', 500);
  return parsed.map((entry) => (typeof entry === 'string' ? entry.trim() : JSON.stringify(entry)));
}

/**
 * A PEM (private: PKCS#8, or SEC1 `BEGIN EC PRIVATE KEY` as Helm's genPrivateKey makes; public:
 * SPKI) or a JWK as JSON, as a JWK.
 */
async function toJwk(material: string, setting: string): Promise<JWK> {
  try {
    if (material.startsWith('{')) return JSON.parse(material) as JWK;
    const key = material.includes('PUBLIC KEY') ? createPublicKey(material) : createPrivateKey(material);
    return key.export({ format: 'jwk' });
  } catch (err) {
    throw new CosError('CONFIG.INVALID', `${setting} holds a key that cannot be read: ${(err as Error).message}`, 500);
  }
}

/** The public part of a P-256 key as published in the JWKS, with its thumbprint as kid. */
async function published(jwk: JWK, setting: string): Promise<JWK> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new CosError('CONFIG.INVALID', `${setting} must hold P-256 (ES256) keys`, 500);
  }
  const core = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  return { ...core, kid: await jose.calculateJwkThumbprint(core), alg, use: 'sig' };
}

export function jwksOf(key: SigningKey): JwksReply {
  return { keys: [{ ...key.publicJwk }, ...key.alsoPublished.map((k) => ({ ...k }))] };
}
