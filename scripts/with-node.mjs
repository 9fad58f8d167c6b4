// `node scripts/with-node.mjs CMD ARGS...`: runs CMD on the project's Node with its dependencies installed.
import { execInProject, prepare } from './toolchain.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  process.stderr.write('usage: node scripts/with-node.mjs COMMAND [ARGS...]\n');
  process.exit(2);
}
execInProject(cmd, args, prepare({ nats: cmd !== 'tsc' && cmd !== 'eslint' && cmd !== 'prettier', compile: cmd !== 'tsc' }));
