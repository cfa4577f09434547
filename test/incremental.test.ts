/**
 * Incremental synth (src/synth/incremental.ts): after any edit, the output folder is
 * byte-identical to what a full synth writes into an empty folder, and only the pairs whose
 * inputs changed are built. Runs npm run synth's runSynth in-process on a copy of two specs.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runSynth, SynthOptions } from '../src/cli/synth-command';
import { readTree } from '../src/synth/write';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from '../src/synth/output-folder';
import { createProgress } from '../src/cli/progress';

const QUIET = createProgress(process.stderr, { CI: 'true' });

const REPO = resolve(__dirname, '..');
const SPECS = ['magnetiq.yaml', 'tequipy.yaml'];

let dir: string;
let apps: string;
let platform: string;
let out: string;
let cacheDir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'incremental-'));
  apps = join(dir, 'apps');
  platform = join(dir, 'platform.yaml');
  out = join(dir, 'dist');
  cacheDir = join(dir, 'cache');
  cpSync(join(REPO, 'platform.yaml'), platform);
  for (const f of SPECS) cpSync(join(REPO, 'apps', f), join(apps, f), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function synth(opts: Partial<SynthOptions> = {}): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runSynth({ check: false, apps, out, platform, quiet: false, build: {}, cacheDir, ...opts }, (s) => (stdout += s), (s) => (stderr += s), QUIET);
  return { status, stdout, stderr };
}

/** What a full synth writes into an empty folder from the same specs. */
function fullSynth(): Map<string, string> {
  const fresh = join(dir, `full-${Date.now()}`);
  expect(synth({ out: fresh, cacheDir: undefined }).status).toBe(0);
  const tree = readTree(fresh);
  rmSync(fresh, { recursive: true, force: true });
  return tree;
}

function edit(file: string, change: (text: string) => string): void {
  const text = readFileSync(file, 'utf8');
  const next = change(text);
  expect(next).not.toBe(text);
  writeFileSync(file, next);
}

function inodes(root: string): Map<string, number> {
  return new Map([...readTree(root).keys()].map((p) => [p, statSync(join(root, p)).ino]));
}

const rebuilt = (stdout: string) => /; (\d+) of (\d+) system-environments rebuilt/.exec(stdout)?.slice(1, 3).map(Number);

test('the first run, without a cache, is a full synth and writes the cache', () => {
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toBeUndefined();
  expect(readdirSync(cacheDir).sort()).toEqual([expect.stringMatching(/^[0-9a-f]{16}\.specs\.v8$/), expect.stringMatching(/^[0-9a-f]{16}\.v8$/)]);
  expect(readTree(out)).toEqual(fullSynth());
});

test('a run with nothing changed rebuilds no pair and touches no file', () => {
  expect(synth().status).toBe(0);
  const before = inodes(out);
  const r = synth();
  expect(r.stdout).toContain('0 added, 0 changed, 0 removed; 0 of 6 system-environments rebuilt');
  expect(inodes(out)).toEqual(before);
});

test('one changed image rebuilds only the pairs of its spec and gives the bytes of a full synth', () => {
  expect(synth().status).toBe(0);
  const before = inodes(out);
  edit(join(apps, 'magnetiq.yaml'), (t) => t.replace(/magnetiq-backend:v[0-9.]+/g, 'magnetiq-backend:v9.9.9'));
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toEqual([3, 6]);
  expect(readTree(out)).toEqual(fullSynth());
  const after = inodes(out);
  const touched = [...after.keys()].filter((p) => after.get(p) !== before.get(p));
  expect(touched.length).toBeGreaterThan(0);
  expect(touched.filter((p) => !/^[a-z]+\/magnetiq\//.test(p))).toEqual([]);
});

test('an edit in one environment only rebuilds that environment of the system', () => {
  expect(synth().status).toBe(0);
  edit(join(apps, 'tequipy.yaml'), (t) => t.replace(/^  staging:\n/m, '  staging:\n    description: staging of tequipy, edited\n'));
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toEqual([1, 6]);
  expect(readTree(out)).toEqual(fullSynth());
});

test('a removed system loses its folders and its Applications, as in a full synth', () => {
  expect(synth().status).toBe(0);
  unlinkSync(join(apps, 'tequipy.yaml'));
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toEqual([0, 3]);
  expect(readTree(out)).toEqual(fullSynth());
  expect(readdirSync(join(out, 'production')).sort()).toEqual(['apps', 'bootstrap', 'magnetiq', 'platform']);
});

test('a platform.yaml change rebuilds every pair', () => {
  expect(synth().status).toBe(0);
  edit(platform, (t) => t.replace(/targetRevision: \S+/, 'targetRevision: release-2'));
  const r = synth();
  expect(rebuilt(r.stdout)).toEqual([6, 6]);
  expect(readTree(out)).toEqual(fullSynth());
});

test('a hand-edited, added or deleted file in the output is put back as a full synth would', () => {
  expect(synth().status).toBe(0);
  const edited = readTree(out);
  const file = [...edited.keys()].find((p) => p.startsWith('staging/magnetiq/deployment-'))!;
  writeFileSync(join(out, file), 'hand edit\n');
  writeFileSync(join(out, 'staging', 'tequipy', 'stray.yaml'), 'kind: Stray\n');
  unlinkSync(join(out, [...edited.keys()].find((p) => p.startsWith('dev/apps/'))!));
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toEqual([2, 6]);
  expect(readTree(out)).toEqual(fullSynth());
});

test('a spec edit and a hand edit in another system rebuild both, in spec order, with the bytes of a full synth', () => {
  expect(synth().status).toBe(0);
  edit(join(apps, 'tequipy.yaml'), (t) => t.replace(/^  staging:\n/m, '  staging:\n    description: staging of tequipy, edited\n'));
  const file = [...readTree(out).keys()].find((p) => p.startsWith('production/magnetiq/deployment-'))!;
  writeFileSync(join(out, file), 'hand edit\n');
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toEqual([2, 6]);
  expect(readTree(out)).toEqual(fullSynth());
  expect(rebuilt(synth().stdout)).toEqual([0, 6]);
});

test('a hand edit in an environment folder rebuilds the folders of that environment', () => {
  expect(synth().status).toBe(0);
  const file = [...readTree(out).keys()].find((p) => p.startsWith('staging/apps/'))!;
  writeFileSync(join(out, file), 'hand edit\n');
  const r = synth();
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/0 added, 1 changed, 0 removed; 0 of 6 system-environments rebuilt/);
  expect(readTree(out)).toEqual(fullSynth());
});

test('a run into a removed output folder is a full synth, even with the cache in place', () => {
  expect(synth().status).toBe(0);
  rmSync(out, { recursive: true, force: true });
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toBeUndefined();
  expect(r.stdout).toMatch(/^synthesized \d+ files into .* 0 changed, 0 removed/);
  expect(readTree(out)).toEqual(fullSynth());
  expect(rebuilt(synth().stdout)).toEqual([0, 6]);
});

test('a removed environment folder rebuilds its pairs, handed on in order among the reused', () => {
  expect(synth().status).toBe(0);
  rmSync(join(out, 'staging'), { recursive: true, force: true });
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toEqual([2, 6]);
  expect(readTree(out)).toEqual(fullSynth());
});

test('a corrupt cache only means a full synth', () => {
  expect(synth().status).toBe(0);
  for (const cache of readdirSync(cacheDir)) writeFileSync(join(cacheDir, cache), 'not a cache');
  edit(join(apps, 'magnetiq.yaml'), (t) => t.replace(/magnetiq-frontend:v[0-9.]+/g, 'magnetiq-frontend:v9.9.9'));
  const r = synth();
  expect(r.status).toBe(0);
  expect(rebuilt(r.stdout)).toBeUndefined();
  expect(readTree(out)).toEqual(fullSynth());
  expect(rebuilt(synth().stdout)).toEqual([0, 6]);
});

test('rejects an invalid spec, writing nothing and keeping the cache usable', () => {
  expect(synth().status).toBe(0);
  const before = readTree(out);
  edit(join(apps, 'magnetiq.yaml'), (t) => t.replace(/^(\s+)replicas: 2$/m, '$1replicas: 3'));
  const bad = readFileSync(join(apps, 'magnetiq.yaml'), 'utf8');
  edit(join(apps, 'magnetiq.yaml'), () => bad.replace(/^name: magnetiq$/m, 'name: Magnetiq'));
  const r = synth();
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('nothing was written');
  expect(readTree(out)).toEqual(before);
  writeFileSync(join(apps, 'magnetiq.yaml'), bad);
  expect(rebuilt(synth().stdout)).toEqual([1, 6]);
  expect(readTree(out)).toEqual(fullSynth());
});

test('a corrupt cache of loaded specs only means loading every spec again', () => {
  expect(synth().status).toBe(0);
  const [specs] = readdirSync(cacheDir).filter((n) => n.endsWith('.specs.v8'));
  writeFileSync(join(cacheDir, specs), 'not a cache');
  edit(join(apps, 'tequipy.yaml'), (t) => t.replace(/^  staging:\n/m, '  staging:\n    description: staging of tequipy, edited\n'));
  const r = synth();
  expect(rebuilt(r.stdout)).toEqual([1, 6]);
  expect(readTree(out)).toEqual(fullSynth());
});

test('an incremental run keeps synth marker and leaves no lock behind', () => {
  expect(synth().status).toBe(0);
  edit(join(apps, 'magnetiq.yaml'), (t) => t.replace(/magnetiq-backend:v[0-9.]+/g, 'magnetiq-backend:v9.9.8'));
  const r = synth();
  expect(rebuilt(r.stdout)).toEqual([3, 6]);
  expect(readFileSync(join(out, OUTPUT_MARKER), 'utf8')).toBe(OUTPUT_MARKER_TEXT);
  expect(readdirSync(dir).filter((n) => n.endsWith('.lock'))).toEqual([]);
});
