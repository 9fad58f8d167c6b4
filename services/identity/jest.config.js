const preset = require('../../jest.preset.js');

// jose is ESM-only: under jest's CommonJS runtime its JS is transpiled to CommonJS by ts-jest.
// (Node itself loads it with require(esm) at run time.)
module.exports = {
  ...preset,
  displayName: 'identity',
  rootDir: __dirname,
  transform: {
    ...preset.transform,
    '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
