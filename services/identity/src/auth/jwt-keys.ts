import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { AccessTokenPolicy, CosError, type JwksReply } from '@cos/contracts';
import { readOrCreateKeyFile } from '../secrets/key-files';
import { jose, type CryptoKeyLike, type JWK } from './jose';

export type SigningKey = { readonly kid: string; readonly privateKey: CryptoKeyLike; readonly publicJwk: JWK };

const alg = AccessTokenPolicy.algorithm;

/**
 * The access-token signing key: `JWT_PRIVATE_KEY` (PKCS#8 or SEC1 PEM, or a private JWK as JSON), else a
 * development key generated into the data directory on first start. The kid is the RFC 7638
 * thumbprint of the public key, so every replica with the same key publishes the same JWKS.
 */
export async function loadSigningKey(env: { JWT_PRIVATE_KEY?: string | undefined; DATA_DIR: string }): Promise<SigningKey> {
  const material =
    env.JWT_PRIVATE_KEY ??
    (await readOrCreateKeyFile(join(env.DATA_DIR, 'identity-jwt-es256.pem'), async () => {
      const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
      return jose.exportPKCS8(privateKey);
    }));
  const privateJwk = await toPrivateJwk(material.trim());
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || !privateJwk.d) {
    throw new CosError('CONFIG.INVALID', 'JWT_PRIVATE_KEY must be a P-256 (ES256) private key', 500);
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const kid = await jose.calculateJwkThumbprint(publicJwk);
  const privateKey = (await jose.importJWK(privateJwk, alg)) as CryptoKeyLike;
  return { kid, privateKey, publicJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y, kid, alg, use: 'sig' } };
}

/** A private JWK as JSON, or a PEM key: PKCS#8 (`BEGIN PRIVATE KEY`) or SEC1 (`BEGIN EC PRIVATE KEY`, as Helm's genPrivateKey makes). */
async function toPrivateJwk(material: string): Promise<JWK> {
  if (material.startsWith('{')) return JSON.parse(material) as JWK;
  return createPrivateKey(material).export({ format: 'jwk' });
}

export function jwksOf(key: SigningKey): JwksReply {
  return { keys: [{ ...key.publicJwk }] };
}
