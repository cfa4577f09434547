/**
 * The GitOps loop test (npm run test:gitops): real Argo CD, kube-controller-manager,
 * kube-scheduler and kwok around the test API server; binaries from test/gitops/build.sh.
 */
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  testTimeout: 10 * 60_000,
};
