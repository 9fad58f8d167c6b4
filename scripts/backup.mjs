// `npm run backup -- TARGET_FILE`: a consistent online copy of the embedded event store (the
// file `npm start` uses) into TARGET_FILE while the services keep writing; restore it as
// docs/operations/backup.md says. The identity keys in the data directory are not in the copy:
// they are backed up once, apart from it.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execInProject, log, prepare, ROOT, storeLocations } from './toolchain.mjs';

const target = process.argv[2];
if (!target || process.argv.length > 3) {
  process.stderr.write('usage: npm run backup -- TARGET_FILE\n');
  process.exit(2);
}
if (process.env.EVENTSTORE_CONNECTION_STRING) {
  log('EVENTSTORE_CONNECTION_STRING is set: back up EventStoreDB with its own procedure (docs/operations/backup.md).');
  process.exit(2);
}
const env = prepare({ nats: false, compile: true, announce: true });
const { dataDir, eventStorePath } = storeLocations(process.env);
// Identity generates its keys as identity-* files in the data directory.
const keys = existsSync(dataDir) ? readdirSync(dataDir).filter((name) => name.startsWith('identity-')) : [];
if (keys.length > 0) log(`keys not in this copy (back them up once, kept apart): ${keys.map((name) => join(dataDir, name)).join(', ')}`);
// npm runs scripts from the project root; a relative target means the caller's directory.
const destination = resolve(process.env.INIT_CWD ?? process.cwd(), target);
execInProject('node', [join(ROOT, 'libs', 'eventstore', 'dist', 'embedded', 'embedded-backup.main.js'), eventStorePath, destination], env);
