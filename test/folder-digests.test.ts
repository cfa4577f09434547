/**
 * The folder states incremental synth compares with its cache (src/synth/folder-digests.ts,
 * scripts/folder-state.js): any edit, addition or removal changes a folder's state, the worker
 * thread and the main thread take the same states, and a worker the launcher started from the
 * previous run's hint is adopted only for the folder it was started for.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileVersion, FolderDigests, folderState } from '../src/synth/folder-digests';
import { leaveHint, PRESTARTED, prestart } from '../scripts/folder-state';

let dir: string;
let out: string;
let cacheFile: string;
let hint: string;
const FOLDERS = ['dev/apps', 'dev/shop', 'production/shop'];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'folder-digests-'));
  out = join(dir, 'dist');
  cacheFile = join(dir, 'cache.v8');
  hint = join(dir, 'prestart', 'hint.json');
  for (const folder of FOLDERS) {
    mkdirSync(join(out, folder), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(out, folder, `object-${i}.yaml`), `kind: Object\nindex: ${i}\n`);
  }
  writeFileSync(cacheFile, 'cache');
});
afterEach(() => {
  FolderDigests.discard();
  rmSync(dir, { recursive: true, force: true });
});

/** The worker the launcher started, as it hands it to the bundle. */
const prestarted = () => (globalThis as unknown as Record<symbol, { data: unknown; worker: unknown } | undefined>)[PRESTARTED];
/** The worker thread a FolderDigests uses. */
const workerOf = (digests: FolderDigests) => (digests as unknown as { running: { worker: unknown } }).running.worker;

/** Every folder's state as the main thread takes it. */
const direct = () => new Map(FOLDERS.map((f) => [f, folderState(out, f)]));

test('a file edited in place (same size), added, renamed or removed changes its folder state', () => {
  const file = join(out, 'dev/shop/object-1.yaml');
  const states = [folderState(out, 'dev/shop')];
  const { mtime } = statSync(file);
  writeFileSync(file, readFileSync(file, 'utf8').replace('index: 1', 'index: 7'));
  utimesSync(file, new Date(mtime.getTime() + 1000), new Date(mtime.getTime() + 1000));
  states.push(folderState(out, 'dev/shop'));
  writeFileSync(join(out, 'dev/shop/stray.yaml'), 'kind: Stray\n');
  states.push(folderState(out, 'dev/shop'));
  renameSync(join(out, 'dev/shop/stray.yaml'), join(out, 'dev/shop/stray-2.yaml'));
  states.push(folderState(out, 'dev/shop'));
  unlinkSync(join(out, 'dev/shop/stray-2.yaml'));
  unlinkSync(join(out, 'dev/shop/object-2.yaml'));
  states.push(folderState(out, 'dev/shop'));
  expect(new Set(states.map((s) => s!.digest)).size).toBe(states.length);
  expect(states.map((s) => s!.files)).toEqual([5, 5, 6, 6, 4]);
  expect(folderState(out, 'dev/missing')).toBeUndefined();
});

test('the worker thread takes the states the main thread takes', () => {
  const taken = FolderDigests.start(cacheFile, out).take(fileVersion(cacheFile));
  expect(taken).toEqual(direct());
});

test('takes no states when the cache file changed while they were taken', () => {
  const digests = FolderDigests.start(cacheFile, out);
  expect(digests.take('another version')).toBeUndefined();
});

test('leaves a hint, and the next run adopts the worker the launcher started from it', () => {
  FolderDigests.start(cacheFile, out, hint).take(fileVersion(cacheFile));
  expect(JSON.parse(readFileSync(hint, 'utf8'))).toEqual({ cacheFile, outDir: out });
  prestart(hint);
  const pre = prestarted();
  expect(pre).toMatchObject({ data: { cacheFile, outDir: out } });
  const written = statSync(hint).mtimeMs;
  const digests = FolderDigests.start(cacheFile, out, hint);
  expect(prestarted()).toBeUndefined();
  expect(workerOf(digests)).toBe(pre!.worker);
  expect(digests.take(fileVersion(cacheFile))).toEqual(direct());
  expect(statSync(hint).mtimeMs).toBe(written);
});

test('ends a worker started for another output folder, starts its own and rewrites the hint', () => {
  const other = join(dir, 'other');
  mkdirSync(join(other, 'dev', 'else'), { recursive: true });
  writeFileSync(join(other, 'dev', 'else', 'a.yaml'), 'kind: Else\n');
  FolderDigests.start(cacheFile, other, hint).close();
  prestart(hint);
  const pre = prestarted();
  const digests = FolderDigests.start(cacheFile, out, hint);
  expect(prestarted()).toBeUndefined();
  expect(workerOf(digests)).not.toBe(pre!.worker);
  expect(digests.take(fileVersion(cacheFile))).toEqual(direct());
  expect(JSON.parse(readFileSync(hint, 'utf8'))).toEqual({ cacheFile, outDir: out });
});

test('keeps the 32 hints written last', () => {
  const hints = join(dir, 'prestart');
  for (let i = 0; i < 40; i++) {
    leaveHint(join(hints, `h${i}.json`), { cacheFile, outDir: `${out}-${i}` });
    const at = new Date(Date.now() - (40 - i) * 1000);
    utimesSync(join(hints, `h${i}.json`), at, at);
  }
  leaveHint(join(hints, 'h40.json'), { cacheFile, outDir: out });
  const kept = readdirSync(hints).sort((a, b) => Number(a.slice(1, -5)) - Number(b.slice(1, -5)));
  expect(kept).toEqual(Array.from({ length: 32 }, (_, i) => `h${i + 9}.json`));
});

test('a hint that is not a hint starts nothing', () => {
  mkdirSync(join(dir, 'prestart'));
  writeFileSync(hint, '{"cacheFile": 1}');
  prestart(hint);
  expect(prestarted()).toBeUndefined();
});

test('a run that takes no states ends the worker the launcher started', () => {
  FolderDigests.start(cacheFile, out, hint).close();
  prestart(hint);
  expect(prestarted()).toBeDefined();
  FolderDigests.discard();
  expect(prestarted()).toBeUndefined();
});
