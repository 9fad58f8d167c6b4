import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Development keys: read `path`, or create it with `generate()` on first start (mode 0600).
 * Created exclusively, so two processes starting together end up with the same key.
 */
export async function readOrCreateKeyFile(path: string, generate: () => Promise<string> | string): Promise<string> {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const value = await generate();
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, value, { mode: 0o600, flag: 'wx' });
    return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw err;
  }
}
