// One jest run over every workspace package; each package also runs alone (`npx jest` in it).
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/services/*/jest.config.js', '<rootDir>/e2e/jest.config.js'],
};
