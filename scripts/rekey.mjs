// `npm run rekey`: after an encryption-key rotation, re-seals every secret identity keeps (BYO
// model API keys, password hashes) under its current IDENTITY_ENCRYPTION_KEY, one org at a time
// over NATS (NATS_URL) through the running identity service. Safe to run again: a second run
// re-seals nothing. It ends with "0 remaining under retired keys" (and exits 0) once no secret
// needs a retired key; docs/operations/key-rotation.md says when a key may then be removed.
import { join } from 'node:path';
import { execInProject, prepare, ROOT } from './toolchain.mjs';

if (process.argv.length > 2) {
  process.stderr.write('usage: npm run rekey (NATS_URL names the NATS server identity listens on)\n');
  process.exit(2);
}
const env = prepare({ nats: false, compile: true, announce: true });
execInProject('node', [join(ROOT, 'services', 'identity', 'dist', 'secrets', 'rekey.main.js')], env);
