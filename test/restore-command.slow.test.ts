/** `npm run restore` as a user runs it: a child process, exit codes and messages without a stack trace. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/manifests';

let tmp: string;
beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), 'restore-command-slow-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('exits 2 with the usage on a bad command line or an existing --out, and 1 on an unknown environment, without a stack trace', () => {
  const run = (args: string[]) => spawnSync('npx', ['tsx', 'scripts/restore.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const usage = run(['--app', 'magnetiq', '--bogus']);
  expect(usage.status).toBe(2);
  expect(usage.stderr).toMatch(/^error: unknown argument "--bogus"\n\nUsage: npm run restore/);
  const env = run(['--app', 'magnetiq', '--env', 'qa', '--out', join(tmp, 'qa')]);
  expect(env.status).toBe(1);
  expect(env.stderr).toBe('error: magnetiq does not deploy to "qa"; its environments: dev, production, staging\n');
  // An existing output folder is a usage error (src/cli/output-guard.ts), left as it was.
  const exists = run(['--app', 'magnetiq', '--env', 'dev', '--out', tmp]);
  expect(exists.status).toBe(2);
  expect(exists.stderr).toMatch(/^error: --out .*: exists already, and this command writes a new folder and never overwrites one; remove it or choose another --out; nothing was written\n\nUsage: npm run restore/);
  expect(exists.stderr).not.toMatch(/\n\s+at /);
}, 60000);
