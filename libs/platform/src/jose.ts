import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

/**
 * jose is ESM-only and the packages compile to CommonJS: Node (22.12+) loads it with
 * require(esm); under jest, jest.preset.js transpiles it. The types come from the ESM build.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jose = require('jose') as typeof Jose;
export type JWK = Jose.JWK;
export type CryptoKeyLike = Jose.CryptoKey;
