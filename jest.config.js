/** Jest with SWC: TypeScript is transformed, not type-checked (npm run typecheck does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Suites that drive many processes or big trees end in .slow.test.ts: `npm run test:slow` runs
  // them (and .ci/run), so `npm test` stays a fast loop.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/backups/', '<rootDir>/test/gitops/', '\\.slow\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  // Jest's default on 2 cores is one worker (cores - 1); the suites are CPU-bound, so use both.
  maxWorkers: 2,
};
