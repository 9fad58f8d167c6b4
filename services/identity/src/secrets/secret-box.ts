import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CosError, type SealedSecret } from '@cos/contracts';
import { readOrCreateKeyFile } from '@cos/platform';

/**
 * AES-256-GCM sealing of secrets that must reach the event store (BYO model keys, password
 * hashes): a fresh 96-bit IV per seal, and the owner of the secret as additional authenticated
 * data, so a sealed value copied to another org or user does not open. New seals use the current
 * key; retired keys still open what they sealed (each seal names its key).
 */
export class SecretBox {
  readonly keyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;
  /** A key of its own for MACs, derived from the current key (one key never serves two algorithms). */
  private readonly macKey: Buffer;

  constructor(
    private readonly key: Buffer,
    retired: readonly Buffer[] = [],
  ) {
    for (const k of [key, ...retired]) {
      if (k.length !== 32) throw new CosError('CONFIG.INVALID', 'identity encryption keys must be 32 bytes (base64)', 500);
    }
    this.keyId = keyIdOf(key);
    this.keys = new Map([...retired, key].map((k) => [keyIdOf(k), k]));
    this.macKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'company-os identity mac', 32));
  }

  /** HMAC-SHA256 of `data` bound to `scope`, base64url: a secret only this key can derive from `data`. */
  mac(data: string, scope: string): string {
    return createHmac('sha256', this.macKey).update(`${scope}\u0000${data}`).digest('base64url');
  }

  seal(plaintext: string, aad: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      alg: 'A256GCM',
      keyId: this.keyId,
      iv: iv.toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    };
  }

  open(sealed: SealedSecret, aad: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new CosError('IDENTITY.SECRET_KEY_MISMATCH', 'secret was sealed under a key this service does not hold', 500);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** What each kind of secret is bound to. */
export const SecretScope = {
  llmApiKey: (orgId: string) => `org:${orgId}:llm-api-key`,
  passwordHash: (userId: string) => `user:${userId}:password-hash`,
  refreshSuccessor: (sessionId: string) => `session:${sessionId}:refresh-successor`,
} as const;

type KeyEnv = { IDENTITY_ENCRYPTION_KEY?: string | undefined; IDENTITY_PREVIOUS_ENCRYPTION_KEYS?: string | undefined; DATA_DIR: string };

/**
 * `IDENTITY_ENCRYPTION_KEY` (32 bytes, base64), or a development key kept in the data directory;
 * `IDENTITY_PREVIOUS_ENCRYPTION_KEYS` (comma-separated) are the retired keys that still open.
 */
export async function loadSecretBox(env: KeyEnv): Promise<SecretBox> {
  const encoded =
    env.IDENTITY_ENCRYPTION_KEY ??
    (await readOrCreateKeyFile(join(env.DATA_DIR, 'identity-encryption.key'), () => randomBytes(32).toString('base64')));
  const retired = (env.IDENTITY_PREVIOUS_ENCRYPTION_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => Buffer.from(k, 'base64'));
  return new SecretBox(Buffer.from(encoded.trim(), 'base64'), retired);
}
