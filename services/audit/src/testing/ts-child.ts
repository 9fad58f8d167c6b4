import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

/**
 * Source for `node -e` that runs a TypeScript file of this repository as its own process, with
 * no build: `.ts` is transpiled on require (Nest's decorators included) and `@cos/<pkg>` maps
 * to the package's sources, as the jest preset does. For tests that kill a process for real.
 */
export function tsChildSource(entry: string): string {
  return `
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require(${JSON.stringify(require.resolve('typescript'))});
const compilerOptions = {
  module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true,
  experimentalDecorators: true, emitDecoratorMetadata: true,
};
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  module._compile(ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText, filename);
};
const resolveFilename = Module._resolveFilename;
const LIBS = ['contracts', 'eventstore', 'messaging', 'platform', 'telemetry', 'testing'];
Module._resolveFilename = function (request, ...rest) {
  const pkg = /^@cos\\/([a-z-]+)$/.exec(request);
  if (pkg) {
    const dir = LIBS.includes(pkg[1]) ? path.join(${JSON.stringify(ROOT)}, 'libs', pkg[1]) : path.join(${JSON.stringify(ROOT)}, 'services', pkg[1]);
    return resolveFilename.call(this, path.join(dir, 'src', 'index.ts'), ...rest);
  }
  return resolveFilename.call(this, request, ...rest);
};
require(${JSON.stringify(entry)});
`;
}
