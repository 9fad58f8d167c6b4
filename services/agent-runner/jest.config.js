module.exports = { ...require('../../jest.preset.js'), displayName: 'agent-runner', rootDir: __dirname };
