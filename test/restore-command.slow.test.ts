/** `npm run restore` as a user runs it: a child process, exit codes and messages without a stack trace. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/manifests';

let tmp: string;
beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), 'restore-command-slow-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('exits 2 with the usage on a bad command line and 1 on an unknown environment, without a stack trace', () => {
  const run = (args: string[]) => spawnSync('npx', ['tsx', 'scripts/restore.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const usage = run(['--app', 'magnetiq', '--bogus']);
  expect(usage.status).toBe(2);
  expect(usage.stderr).toMatch(/^error: unknown argument "--bogus"\n\nUsage: npm run restore/);
  const env = run(['--app', 'magnetiq', '--env', 'qa', '--out', join(tmp, 'qa')]);
  expect(env.status).toBe(1);
  expect(env.stderr).toBe('error: magnetiq does not deploy to "qa"; its environments: dev, production, staging\n');
}, 60000);
