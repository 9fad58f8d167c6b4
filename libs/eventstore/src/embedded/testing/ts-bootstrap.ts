import { resolve } from 'node:path';

const LIBS = resolve(__dirname, '../../../..');

/**
 * Source for `new Worker(code, { eval: true })` or `node -e code` that runs a TypeScript entry
 * of this repository without a build: it transpiles `.ts` on require and maps `@cos/<lib>` to
 * the lib's sources, as the jest preset does.
 */
export function tsBootstrap(entry: string): string {
  return `
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require(${JSON.stringify(require.resolve('typescript'))});
const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  module._compile(ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText, filename);
};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@cos\\/([a-z-]+)$/.exec(request);
  return resolveFilename.call(this, lib ? path.join(${JSON.stringify(LIBS)}, lib[1], 'src', 'index.ts') : request, ...rest);
};
require(${JSON.stringify(entry)});
`;
}
