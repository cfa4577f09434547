/**
 * scripts/synth.js, what npm run synth runs: main.ts from an esbuild bundle cached in
 * .cache/synth/, rebuilt when a file that went into it changes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/manifests';
import { copyRepo } from './support/repo-copy';
import { readTree } from '../src/synth/write';

function launch(cwd: string, launcher: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [launcher, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
}

test('the bundle writes the same dist/ as the TypeScript sources, on the main thread and on a worker thread', () => {
  const repo = copyRepo();
  try {
    const serial = launch(repo.dir, join(ROOT, 'scripts', 'synth.js'), ['--check'], { GITOPS_SYNTH_WORKERS: '0' });
    expect(serial.stderr).toBe('');
    expect(serial.stdout).toMatch(/^dist is up to date \(\d+ files\)\n$/);
    expect(serial.status).toBe(0);
    // Every pair on a worker started from the bundle: a worker that failed to start would leave them to the main thread.
    const onWorker = launch(repo.dir, join(ROOT, 'scripts', 'synth.js'), ['--check'], { GITOPS_SYNTH_WORKERS: '1', GITOPS_SYNTH_MAIN_BUILDS: '0' });
    expect(onWorker.stderr).toBe('');
    const [, pairs, onWorkers] = /^dist is up to date \(\d+ files\); (\d+) system-environments built, 0 on the main thread and (\d+) on 1 worker thread\n$/.exec(onWorker.stdout) ?? [];
    expect(Number(pairs)).toBeGreaterThan(0);
    expect(onWorkers).toBe(pairs);
    expect(onWorker.status).toBe(0);
  } finally {
    repo.remove();
  }
});

describe('on a copy of the code', () => {
  // The launcher bundles the code beside it, so the code is copied here (node_modules linked).
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gitops-synth-launcher-'));
    for (const name of ['apps', 'dist', 'platform.yaml', 'schema', 'src', 'crds', 'charts', 'constructs', 'argocd', 'imports', 'scripts', 'main.ts', 'package.json', 'tsconfig.json']) {
      cpSync(join(ROOT, name), join(dir, name), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const synth = (args: string[]) => launch(dir, join(dir, 'scripts', 'synth.js'), args);
  const bundle = () => join(dir, '.cache', 'synth', 'main.js');
  const edit = (file: string, change: (text: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));

  const codeCache = () => {
    const files = readdirSync(join(dir, '.cache', 'synth')).filter((f) => f.endsWith('.v8-cache'));
    expect(files).toHaveLength(1);
    return join(dir, '.cache', 'synth', files[0]);
  };

  test('the first run builds the bundle and its code cache; the next reuses both untouched', () => {
    expect(synth(['--check']).status).toBe(0);
    const built = statSync(bundle());
    const cached = statSync(codeCache());
    expect(synth(['--check']).status).toBe(0);
    expect(statSync(bundle()).mtimeMs).toBe(built.mtimeMs);
    expect(statSync(bundle()).ino).toBe(built.ino);
    // A cache V8 rejected would have been written again.
    expect(statSync(codeCache()).ino).toBe(cached.ino);
  });

  test('a code cache V8 rejects is made again, and the output is unchanged', () => {
    const file = codeCache();
    const text = readFileSync(file);
    const key = text.subarray(0, text.indexOf(10) + 1);
    writeFileSync(file, Buffer.concat([key, Buffer.alloc(4096, 7)]));
    const r = synth(['--check']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(codeCache()).length).toBeGreaterThan(4096 + key.length);
  });

  test('an incremental run leaves a hint, and the next run with its arguments takes folder states from before the bundle loads', () => {
    const out = join(dir, 'out-hint');
    const args = ['--out', out];
    const hints = () => {
      try {
        return readdirSync(join(dir, '.cache', 'synth', 'prestart')).map((f) => JSON.parse(readFileSync(join(dir, '.cache', 'synth', 'prestart', f), 'utf8')) as { outDir: string });
      } catch {
        return [];
      }
    };
    expect(synth(args).status).toBe(0); // a full synth: no cache yet, so no hint
    expect(hints().filter((h) => h.outDir === out)).toEqual([]);
    expect(synth(args).status).toBe(0);
    expect(hints().filter((h) => h.outDir === out)).toHaveLength(1);
    edit('apps/magnetiq.yaml', (t) => t.replace(/magnetiq-backend:v[0-9.]+/g, 'magnetiq-backend:v9.9.9'));
    const r = synth(args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/; 3 of \d+ system-environments rebuilt/);
    expect(synth(['--out', join(dir, 'out-full'), '--full']).status).toBe(0);
    expect(readTree(out)).toEqual(readTree(join(dir, 'out-full')));
  });

  test('a changed source file rebuilds the bundle, and the output follows the change', () => {
    edit('src/synth/serialize.ts', (t) => t.replace('# Generated by gitops-synth from', '# Generated (edited) by gitops-synth from'));
    const r = synth(['--check']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/changed: /);
    expect(readFileSync(bundle(), 'utf8')).toContain('# Generated (edited) by gitops-synth from');
  });

  test('fails if a source does not compile, naming the file and line and writing nothing', () => {
    edit('src/synth/serialize.ts', (t) => t.replace('export function manifestYaml(', 'export function manifestYaml(('));
    const before = readFileSync(join(dir, 'dist', 'production', 'magnetiq', 'deployment-magnetiq-backend.yaml'), 'utf8');
    const r = synth([]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/src\/synth\/serialize\.ts:\d+:\d+/);
    expect(r.stderr).toContain('could not be bundled');
    expect(readFileSync(join(dir, 'dist', 'production', 'magnetiq', 'deployment-magnetiq-backend.yaml'), 'utf8')).toBe(before);
  });
});
