/** `npm run restore`: argument parsing, the folder it creates, and its refusals. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { CommandIO } from '../src/cli/command';
import { UsageError } from '../src/cli/command';
import { parseRestoreArgs, runRestore } from '../src/cli/restore-command';
import { createProgress } from '../src/cli/progress';
import { ROOT } from './support/manifests';

const base = ['--apps', join(ROOT, 'apps'), '--platform', join(ROOT, 'platform.yaml')];
let tmp: string;
beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), 'restore-command-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function io(): CommandIO & { text: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  return { out: (s) => (out += s), err: (s) => (err += s), color: false, progress: createProgress({ isTTY: false, write: () => true }, {}), env: {}, text: () => ({ out, err }) };
}

test('writes the Job, Role and RoleBinding of a SQLite restore into the folder it creates', async () => {
  const out = join(tmp, 'magnetiq');
  const t = io();
  expect(await runRestore(parseRestoreArgs(['--app', 'magnetiq', '--env', 'staging', '--from', 'magnetiq.db.20261130T023000Z.bak', '--out', out, ...base]), t)).toBe(0);
  expect(readdirSync(out).sort()).toEqual(['job-magnetiq-restore-db.yaml', 'role-magnetiq-restore-db.yaml', 'rolebinding-magnetiq-restore-db.yaml']);
  const job = load(readFileSync(join(out, 'job-magnetiq-restore-db.yaml'), 'utf8')) as { metadata: { namespace: string }; spec: { backoffLimit: number; template: { spec: { initContainers: Array<{ name: string; env: Array<{ name: string; value?: string }> }> } } } };
  expect(job.metadata.namespace).toBe('magnetiq-staging');
  expect(job.spec.backoffLimit).toBe(0);
  const fetch = job.spec.template.spec.initContainers.find((c) => c.name === 'fetch')!;
  expect(fetch.env.find((e) => e.name === 'FROM')?.value).toBe('magnetiq.db.20261130T023000Z.bak');
  expect(t.text().out).toContain('Apply it with: kubectl apply -f');
});

test('refuses an output path that exists (folder or file) as a usage error, and leaves it as it was', async () => {
  const out = join(tmp, 'exists');
  mkdirSync(out);
  await expect(runRestore(parseRestoreArgs(['--app', 'tequipy', '--env', 'dev', '--out', out, ...base]), io())).rejects.toThrow(
    new UsageError(`--out ${out}: exists already, and this command writes a new folder and never overwrites one; remove it or choose another --out; nothing was written`),
  );
  expect(readdirSync(out)).toEqual([]);
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'mine\n');
  await expect(runRestore(parseRestoreArgs(['--app', 'tequipy', '--env', 'dev', '--out', file, ...base]), io())).rejects.toThrow(UsageError);
  expect(readFileSync(file, 'utf8')).toBe('mine\n');
});

test('refuses an output folder whose parent does not exist', async () => {
  await expect(runRestore(parseRestoreArgs(['--app', 'tequipy', '--env', 'dev', '--out', join(tmp, 'no', 'such'), ...base]), io())).rejects.toThrow(/its parent folder does not exist; nothing was written/);
});

test('rejects a system without a database backup, naming what can be restored', async () => {
  const t = io();
  expect(await runRestore(parseRestoreArgs(['--app', 'tequipy', '--env', 'dev', '--backup', 'media', '--out', join(tmp, 'x'), ...base]), t)).toBe(1);
  expect(t.text().err).toBe('error: tequipy has no restorable backup "media" in dev; restorable: db\n');
  expect(existsSync(join(tmp, 'x'))).toBe(false);
});

test.each([
  [['--env', 'dev'], 'give the system with --app NAME'],
  [['--app', 'magnetiq'], 'give the environment with --env ENV'],
  [['--app', 'magnetiq', '--env', 'dev', '--from', '../etc/passwd'], '--from "../etc/passwd" is not a backup file name: give a name as listed in the bucket (letters, digits, \'.\', \'_\', \'-\', no \'/\'), or latest'],
  [['--app', 'magnetiq', '--env', 'dev', '--apply', '--out', 'x'], '--out and --apply exclude each other: write the manifests, or create them in the cluster'],
  [['--app', 'magnetiq', '--env', 'dev', '--context', 'prod'], '--context and --kubeconfig only go with --apply'],
])('rejects %j as a usage error', (argv, message) => {
  expect(() => parseRestoreArgs(argv)).toThrow(new UsageError(message));
});
