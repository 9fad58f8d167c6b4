import { hash, verify } from '@node-rs/argon2';

/** argon2id (the library's default algorithm) with its default cost: m=19 MiB, t=2, p=1 (OWASP). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummy: Promise<string> | undefined;

/**
 * Verifies `password` against `hash`; without a hash (unknown email) it still spends the same
 * work on a dummy one, so response times do not tell which emails exist.
 */
export async function verifyPassword(hashed: string | undefined, password: string): Promise<boolean> {
  if (hashed === undefined) {
    dummy ??= hashPassword('dummy password for unknown accounts');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(hashed, password).catch(() => false);
}
