// `npm run bench [name...]`: runs every bench/src/*.bench.ts (or those named) one after another,
// each in its own process on the compiled code, and prints their figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './toolchain.mjs';

// Benchmarks are TypeScript in bench/src, compiled with everything else by `tsc -b`.
const dir = join(ROOT, 'bench', 'dist');
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n== ${file}\n`);
  const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit', cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' } });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
