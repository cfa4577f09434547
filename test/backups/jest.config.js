/**
 * Backup and restore tests against real servers (versitygw built by test/backups/build.sh,
 * PostgreSQL, rclone and BusyBox from Debian; kubectl from test/backups/kubectl.sh and the
 * kube-apiserver of test/cluster/build.sh): `npm run test:backups`, run by .ci/run.
 */
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  testTimeout: 180000,
};
