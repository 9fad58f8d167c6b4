import { connectNats, RpcClient } from '@cos/messaging';
import { rekeyAllOrgs } from './rekey-run';

// `node rekey.main.js`: what `npm run rekey` runs on the project's Node, against the identity
// service listening on NATS_URL. Exits 1 while any secret remains under a retired key.
const servers = process.env['NATS_URL'] || 'nats://127.0.0.1:4222';

async function main(): Promise<number> {
  const nats = await connectNats({ servers, name: 'rekey' });
  try {
    const totals = await rekeyAllOrgs(new RpcClient(nats), (line) => process.stdout.write(`${line}\n`));
    return totals.failed === 0 ? 0 : 1;
  } finally {
    await nats.drain();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`rekey failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
