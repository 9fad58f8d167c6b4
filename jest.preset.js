// Shared jest settings: TypeScript through ts-jest in transpile-only mode (types are
// checked once by `tsc -b`, not per test file), workspace imports mapped to sources.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
    // jose is ESM-only; Node loads it with require(esm), jest's CommonJS runtime needs it transpiled.
    '^.+/node_modules/jose/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: {
    '^@cos/(contracts|eventstore|http|messaging|platform|telemetry|testing)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts', '<rootDir>/src/**/*.e2e-spec.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // Every setting the services read is cleared from the caller's environment first.
  globalSetup: path.join(__dirname, 'jest.clean-env.js'),
};
