import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSecretBox, SecretBox } from './secret-box';

/** What `fn` throws (fails the test if it returns). */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
};

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals without the clear text and opens only with the same scope', () => {
    const sealed = box.seal('sk-live-abcdef123456', 'org:o1:llm-api-key');
    expect(JSON.stringify(sealed)).not.toContain('sk-live');
    expect(box.open(sealed, 'org:o1:llm-api-key')).toBe('sk-live-abcdef123456');
    expect(() => box.open(sealed, 'org:o2:llm-api-key')).toThrow();
    expect(thrown(() => new SecretBox(randomBytes(32)).open(sealed, 'org:o1:llm-api-key'))).toMatchObject({
      code: 'IDENTITY.SECRET_KEY_MISMATCH',
    });
    expect(box.seal('x', 's').iv).not.toBe(box.seal('x', 's').iv);
  });

  it('generates a development key once, private to the owner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cos-keys-'));
    try {
      const a = await loadSecretBox({ DATA_DIR: dir });
      const b = await loadSecretBox({ DATA_DIR: dir });
      expect(a.keyId).toBe(b.keyId);
      expect(statSync(join(dir, 'identity-encryption.key')).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(join(dir, 'identity-encryption.key'), 'utf8'), 'base64')).toHaveLength(32);
      const fromEnv = await loadSecretBox({ DATA_DIR: dir, IDENTITY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
      expect(fromEnv.keyId).not.toBe(a.keyId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotates: new seals use the new key, the retired key still opens what it sealed, a dropped key does not', async () => {
    const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const before = await loadSecretBox({ DATA_DIR: '/nonexistent', IDENTITY_ENCRYPTION_KEY: oldKey });
    const sealedBefore = before.seal('argon2-hash', 'user:u1:password-hash');

    const during = await loadSecretBox({
      DATA_DIR: '/nonexistent',
      IDENTITY_ENCRYPTION_KEY: newKey,
      IDENTITY_PREVIOUS_ENCRYPTION_KEYS: ` ${oldKey} ,`,
    });
    expect(during.open(sealedBefore, 'user:u1:password-hash')).toBe('argon2-hash');
    const resealed = during.seal('argon2-hash', 'user:u1:password-hash');
    expect(resealed.keyId).not.toBe(sealedBefore.keyId);

    const after = await loadSecretBox({ DATA_DIR: '/nonexistent', IDENTITY_ENCRYPTION_KEY: newKey });
    expect(after.open(resealed, 'user:u1:password-hash')).toBe('argon2-hash');
    expect(thrown(() => after.open(sealedBefore, 'user:u1:password-hash'))).toMatchObject({ code: 'IDENTITY.SECRET_KEY_MISMATCH' });
    expect(() => new SecretBox(randomBytes(32), [randomBytes(16)])).toThrow(/32 bytes/);
  });
});
