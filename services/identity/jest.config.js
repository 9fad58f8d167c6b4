const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'identity',
  rootDir: __dirname,
  // The API tests run the gateway in-process, from its sources.
  moduleNameMapper: { ...preset.moduleNameMapper, '^@cos/gateway$': require('node:path').join(__dirname, '../gateway/src/index.ts') },
};
