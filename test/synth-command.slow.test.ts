/** `npm run synth` as a user runs it: a child process on a temporary copy of the repository. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTree } from '../src/synth/write';
import { copyRepo, RepoCopy } from './support/repo-copy';

let repo: RepoCopy;
beforeEach(() => {
  repo = copyRepo();
});
afterEach(() => repo.remove());

function editSpec(edit: (text: string) => string): void {
  const file = join(repo.dir, 'apps', 'magnetiq.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

test('--check exits 0 on the committed dist/ and writes nothing', () => {
  const before = readTree(join(repo.dir, 'dist'));
  const r = repo.run(['main.ts', '--check']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/dist is up to date/);
  expect(readTree(join(repo.dir, 'dist'))).toEqual(before);
});

test('--check exits 1 and lists the files that differ when dist/ is stale', () => {
  editSpec((t) => t.replace('magnetiq-backend:v2.0.0', 'magnetiq-backend:v2.0.1'));
  const r = repo.run(['main.ts', '--check']);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('changed: production/magnetiq/deployment-magnetiq-backend.yaml');
  expect(r.stderr).toContain('Run npm run synth');
});

test('synth rewrites only the files whose content changed', () => {
  editSpec((t) => t.replace('magnetiq-backend:v2.0.0', 'magnetiq-backend:v2.0.1'));
  const r = repo.run(['main.ts']);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/0 added, \d+ changed, 0 removed/);
  const again = repo.run(['main.ts']);
  expect(again.stdout).toMatch(/0 added, 0 changed, 0 removed/);
  expect(repo.run(['main.ts', '--check']).status).toBe(0);
});

test('--apps and --out read specs from and write manifests to other folders', () => {
  const r = repo.run(['main.ts', '--apps', 'apps', '--out', 'elsewhere']);
  expect(r.status).toBe(0);
  expect(readTree(join(repo.dir, 'elsewhere'))).toEqual(readTree(join(repo.dir, 'dist')));
});

test('two runs give byte-identical output', () => {
  repo.run(['main.ts', '--out', 'a']);
  repo.run(['main.ts', '--out', 'b']);
  expect(readTree(join(repo.dir, 'a'))).toEqual(readTree(join(repo.dir, 'b')));
});

test.each([
  ['a wrong type', (t: string) => t.replace('port: 4036\n', 'port: "four"\n'), 'components.backend.port', 'is a string "four" but must be an integer'],
  ['an unknown field', (t: string) => t.replace('    port: 4036\n', '    port: 4036\n    replica: 1\n'), 'components.backend.replica', 'unknown field "replica"'],
  ['a bad port', (t: string) => t.replace('port: 9036\n', 'port: 70000\n'), 'components.frontend.port', 'must be at most 65535'],
  ['replicas: 2 on the SQLite backend', (t: string) => t.replace('    port: 4036\n', '    port: 4036\n    replicas: 2\n'), 'components.backend.replicas', 'single writer'],
])('rejects %s with exit 1, the file and field path, and leaves dist/ unchanged', (_name, edit, path, problem) => {
  const before = readTree(join(repo.dir, 'dist'));
  editSpec(edit);
  const r = repo.run(['main.ts']);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`apps/magnetiq.yaml: ${path}: `);
  expect(r.stderr).toContain(problem);
  expect(r.stderr).toContain('nothing was written');
  expect(readTree(join(repo.dir, 'dist'))).toEqual(before);
});

test('an unknown argument is a usage error: exit 2 with the usage text', () => {
  const r = repo.run(['main.ts', '--frobnicate']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('unknown argument "--frobnicate"');
  expect(r.stderr).toContain('Usage: npm run synth');
});

test('cdk8s synth gives the same dist/ as npm run synth', () => {
  expect(repo.run(['main.ts']).status).toBe(0);
  const before = readTree(join(repo.dir, 'dist'));
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  // As the README tells users to run it: without cdk8s-cli's upgrade check, which needs the internet.
  const r = spawnSync(join(repo.dir, 'node_modules', '.bin', 'cdk8s'), ['synth'], { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, CI: 'true', CDK8S_CHECK_UPGRADE: 'false' } });
  expect(r.status).toBe(0);
  expect(r.stderr).not.toMatch(/new version|cdk8s-cli is available|at .*\.js:\d+/);
  expect(readTree(join(repo.dir, 'dist'))).toEqual(before);
});

test('renaming a system warns that its volumes are no longer generated and that the new claims start empty', () => {
  const { renameSync } = require('node:fs') as typeof import('node:fs');
  editSpec((t) => t.replace(/^name: magnetiq$/m, 'name: magnetiq-v2'));
  renameSync(join(repo.dir, 'apps', 'magnetiq.yaml'), join(repo.dir, 'apps', 'magnetiq-v2.yaml'));
  const r = repo.run(['main.ts']);
  expect(r.status).toBe(0);
  for (const env of ['dev', 'staging', 'production']) {
    expect(r.stderr).toContain(`warning: ${env}/magnetiq/persistentvolumeclaim-magnetiq-data.yaml is no longer generated`);
  }
  expect(r.stderr).toContain('Argo CD will not delete the volume (Prune=false)');
  expect(r.stderr).toContain('the new claim starts empty');
  const pvc = readFileSync(join(repo.dir, 'dist', 'production', 'magnetiq-v2', 'persistentvolumeclaim-magnetiq-v2-data.yaml'), 'utf8');
  expect(pvc).toContain('argocd.argoproj.io/sync-options: Prune=false,Delete=false');
});
