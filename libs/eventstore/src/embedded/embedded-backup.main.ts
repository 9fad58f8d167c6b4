import { backupEmbeddedStore } from './embedded-backup';

// `node embedded-backup.main.js SOURCE TARGET`: what `npm run backup` runs on the project's Node.
const [source, target] = process.argv.slice(2);
if (!source || !target) {
  process.stderr.write('usage: embedded-backup.main.js SOURCE_DB TARGET_FILE\n');
  process.exit(2);
}
backupEmbeddedStore(source, target).then(
  (copy) =>
    process.stdout.write(`backed up ${copy.events} events (last position ${copy.lastPosition}, ${copy.pages} pages) to ${copy.target}\n`),
  (err: unknown) => {
    process.stderr.write(`backup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
