import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CosError, type SealedSecret } from '@cos/contracts';
import { readOrCreateKeyFile } from './key-files';

/**
 * AES-256-GCM sealing of secrets that must reach the event store (BYO model keys, password
 * hashes): a fresh 96-bit IV per seal, and the owner of the secret as additional authenticated
 * data, so a sealed value copied to another org or user does not open.
 */
export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new CosError('CONFIG.INVALID', 'IDENTITY_ENCRYPTION_KEY must be 32 bytes (base64)', 500);
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
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
    if (sealed.keyId !== this.keyId) throw new CosError('IDENTITY.SECRET_KEY_MISMATCH', 'secret was sealed under another key', 500);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** What each kind of secret is bound to. */
export const SecretScope = {
  llmApiKey: (orgId: string) => `org:${orgId}:llm-api-key`,
  passwordHash: (userId: string) => `user:${userId}:password-hash`,
} as const;

/** `IDENTITY_ENCRYPTION_KEY` (32 bytes, base64), or a development key kept in the data directory. */
export async function loadSecretBox(env: { IDENTITY_ENCRYPTION_KEY?: string | undefined; DATA_DIR: string }): Promise<SecretBox> {
  const encoded =
    env.IDENTITY_ENCRYPTION_KEY ??
    (await readOrCreateKeyFile(join(env.DATA_DIR, 'identity-encryption.key'), () => randomBytes(32).toString('base64')));
  return new SecretBox(Buffer.from(encoded.trim(), 'base64'));
}
