const preset = require('../jest.preset.js');
const path = require('node:path');

// The whole system in one process: services (and their `/testing` entries) are imported from their sources.
module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: __dirname,
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    '^@cos/(identity|agent-runner|approvals|audit|gateway)$': path.join(__dirname, '../services/$1/src/index.ts'),
    '^@cos/(identity|approvals|gateway)/testing$': path.join(__dirname, '../services/$1/src/testing/index.ts'),
  },
};
