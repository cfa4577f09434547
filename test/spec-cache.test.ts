/**
 * The spec cache of incremental synth (src/synth/spec-cache.ts): a kept spec stands for the
 * file as loadSystem would load it, a spec file is read again whenever it may have changed, and
 * one that has not is known by its stamp without being read.
 */
import fs = require('node:fs');
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { factsOf } from '../src/spec/facts';
import { loadPlatform, loadSystem, LoadedSystem } from '../src/spec/load';
import { SpecCache } from '../src/synth/spec-cache';

const REPO = resolve(__dirname, '..');
const platform = loadPlatform(join(REPO, 'platform.yaml'));

let dir: string;
let spec: string;
let cacheFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spec-cache-'));
  spec = join(dir, 'magnetiq.yaml');
  cacheFile = join(dir, 'cache', 'specs.v8');
  cpSync(join(REPO, 'apps', 'magnetiq.yaml'), spec);
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Loads the spec through a cache on `cacheFile` (saved afterwards), counting the reads of the spec file. */
function load(settledMs?: number): { system: LoadedSystem; key: string; reads: number } {
  // A file changed in this very millisecond is never settled; with settledMs 0 the next one is.
  while (Date.now() <= statSync(spec).ctimeMs);
  const cache = new SpecCache(cacheFile, 'code', settledMs);
  const read = jest.spyOn(fs, 'readFileSync');
  const system = cache.loader()(spec, platform);
  const reads = read.mock.calls.filter(([path]) => path === spec).length;
  read.mockRestore();
  cache.save();
  return { system, key: [...cache.keys.values()][0], reads };
}

const plain = (s: LoadedSystem) => ({ file: s.file, base: s.base, environments: s.environments, facts: s.facts });

test('a kept spec has the facts, base and merged environments of the spec as loaded', () => {
  const loaded = loadSystem(spec, platform);
  load();
  const kept = load().system;
  expect(plain(kept)).toEqual(plain(loaded));
  expect(kept.facts).toEqual(factsOf(loaded.environments));
});

test('a spec whose stamp is unchanged since it settled is not read again', () => {
  const first = load(0);
  expect(first.reads).toBeGreaterThan(0);
  const second = load(0);
  expect(second.reads).toBe(0);
  expect(second.key).toBe(first.key);
});

test('a spec rewritten with its size and mtime kept is read again: its ctime moved', () => {
  const first = load(0);
  const { mtime, atime } = statSync(spec);
  const text = readFileSync(spec, 'utf8');
  const edited = text.replace(/magnetiq-backend:v(\d)/, 'magnetiq-backend:v9');
  expect(edited).not.toBe(text);
  expect(edited.length).toBe(text.length);
  writeFileSync(spec, edited);
  utimesSync(spec, atime, mtime);
  const second = load(0);
  expect(second.reads).toBeGreaterThan(0);
  expect(second.key).not.toBe(first.key);
  expect(JSON.stringify(second.system.base)).toContain('magnetiq-backend:v9');
});

test('a spec changed within the settling time is read on every run', () => {
  load();
  expect(load().reads).toBeGreaterThan(0);
  expect(load().reads).toBeGreaterThan(0);
});

test('a cache written by other code is not used', () => {
  load(0);
  const other = new SpecCache(cacheFile, 'other code', 0);
  const read = jest.spyOn(fs, 'readFileSync');
  const system = other.loader()(spec, platform);
  expect(read.mock.calls.filter(([path]) => path === spec).length).toBeGreaterThan(0);
  expect(system).toEqual(loadSystem(spec, platform));
});
