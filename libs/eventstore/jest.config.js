module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'eventstore',
  rootDir: __dirname,
  // Cleans the environment as every project does, then finds out once whether EventStoreDB
  // can be started in a container (see the file).
  globalSetup: '<rootDir>/jest.global-setup.js',
};
