/** The slow suites (`*.slow.test.ts`): real processes, kills, big trees. Run by `npm run test:slow` and .ci/run. */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/*.slow.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/backups/', '<rootDir>/test/gitops/'],
};
