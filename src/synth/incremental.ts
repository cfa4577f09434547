/**
 * Incremental synth: rebuilds only the system/environment pairs whose inputs changed.
 *
 * A pair's inputs are the code (one hash for all of it, see codeFingerprint), platform.yaml,
 * and the system's spec with that environment's overrides merged (plus the spec's path, which
 * the files name as their source). After a successful synth the cache under .cache/ records,
 * for each pair, the hash of its inputs, what the environment folders need to know about it
 * (forEnvironmentFolders) and, for each of its files, the size, mtime and inode it was written
 * with. On the next run a pair whose inputs hash the same and whose files on disk are exactly
 * those (none edited, added or removed by hand) is not built again: its files stay as they are.
 * The environment folders (platform/, apps/, bootstrap/) depend on every system of their
 * environment, so they are always rebuilt, from the recorded summaries of the pairs that were
 * not; only their files whose content changed are written.
 *
 * Anything unexpected (no cache, a cache that does not parse, another code hash, another
 * output folder) means a full synth, which writes a new cache. The cache file is removed
 * before an incremental run writes anything, so a run killed half-way is followed by a full
 * synth; test/incremental.test.ts checks that the output is byte-identical to a full synth.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SynthesizedSystem } from '../../argocd/environment-charts';
import { SpecError, SpecErrors } from '../spec/errors';
import type { LoadedSpecs, LoadedSystem } from '../spec/load';
import { addSystemFiles, buildEnvironmentFolders, buildSystem, environmentsOf, PairObserver, Tree } from './build';
import { forEnvironmentFolders } from './parallel';
import type { TreeDiff } from './write';

/** Bumped whenever the layout of the cache file changes: an older file then means a full synth. */
const CACHE_VERSION = 1;

/** What a file looked like when synth wrote it: any change on disk shows in one of these. */
interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  /** sha256 of the content, so a rebuilt file that came out the same is not rewritten. */
  readonly hash: string;
}

interface CachedPair {
  /** Hash of the pair's inputs (see pairKey). */
  readonly key: string;
  readonly summary: SynthesizedSystem;
  /** The pair's files (paths relative to the output folder) and their stamps. */
  readonly files: Record<string, FileStamp>;
}

interface CacheFile {
  readonly version: number;
  readonly codeHash: string;
  readonly outDir: string;
  /** By `<env>/<system>`, the pair's folder. */
  readonly pairs: Record<string, CachedPair>;
  /** Files of the environment folders (platform/, apps/, bootstrap/). */
  readonly shared: Record<string, FileStamp>;
}

export interface IncrementalOptions {
  /** The cache file (under .cache/, git-ignored). */
  readonly cacheFile: string;
  /** The output folder, absolute. */
  readonly outDir: string;
  /** Hash of the code that builds the pairs (see codeFingerprint). */
  readonly codeHash: string;
  /** platform.yaml as named in messages and in the files' source comments. */
  readonly platformFile: string;
  /**
   * Above this many pairs to rebuild, synthIncremental leaves the work to a full synth (which
   * builds on several threads) and writes nothing.
   */
  readonly maxRebuilt: number;
}

/** What an incremental run did. */
export interface IncrementalResult {
  readonly diff: TreeDiff;
  /** Files in the output folder now. */
  readonly files: number;
  readonly pairs: number;
  /** Pairs built in this run (the others were reused). */
  readonly rebuilt: number;
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('base64');

/**
 * Hash of everything one pair's files depend on besides the code. Each environment's merged
 * spec still carries every environment's overrides under `environments`; only their names
 * stay in the key, so that an edit to staging does not rebuild dev and production
 * (test/incremental.test.ts proves the output still matches a full synth).
 */
function pairKey(codeHash: string, platformHash: string, system: LoadedSystem, env: string): string {
  const spec = system.environments.get(env)!;
  return sha256(JSON.stringify([codeHash, platformHash, system.file, env, { ...spec, environments: Object.keys(spec.environments) }]));
}

function readCache(opts: IncrementalOptions): CacheFile | undefined {
  try {
    const cache = deserialize(readFileSync(opts.cacheFile)) as CacheFile;
    if (cache.version !== CACHE_VERSION || cache.codeHash !== opts.codeHash || cache.outDir !== opts.outDir) return undefined;
    if (typeof cache.pairs !== 'object' || typeof cache.shared !== 'object') return undefined;
    return cache;
  } catch {
    return undefined; // no cache, or one that does not parse: a full synth
  }
}

function stampOf(abs: string, content: string): FileStamp {
  const st = statSync(abs);
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash: sha256(content) };
}

/** Whether every file of a folder is exactly as recorded, and no other file is there. */
function folderIntact(outDir: string, folder: string, files: Record<string, FileStamp>): boolean {
  let names: string[];
  try {
    names = readdirSync(join(outDir, folder));
  } catch {
    return false;
  }
  const recorded = Object.keys(files);
  if (names.length !== recorded.length) return false;
  for (const path of recorded) {
    const want = files[path];
    try {
      const st = statSync(join(outDir, path));
      if (st.size !== want.size || st.mtimeMs !== want.mtimeMs || st.ino !== want.ino) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Caches kept per cache folder: one per output folder, and runs into temporary folders (tests,
 * the bench) would otherwise pile up; the least recently written go first.
 */
const MAX_CACHES = 8;

function writeCache(opts: IncrementalOptions, cache: CacheFile): void {
  const dir = dirname(opts.cacheFile);
  mkdirSync(dir, { recursive: true });
  const tmp = `${opts.cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, serialize(cache));
  renameSync(tmp, opts.cacheFile);
  const others = readdirSync(dir)
    .filter((n) => n.endsWith('.v8'))
    .map((n) => join(dir, n))
    .filter((f) => f !== opts.cacheFile)
    .map((f) => ({ f, t: statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of others.slice(MAX_CACHES - 1)) rmSync(f, { force: true });
}

/** Removes the cache, e.g. before a full synth, so a stale one is never trusted. */
export function dropCache(cacheFile: string): void {
  rmSync(cacheFile, { force: true });
}

/**
 * Collects what a full synth built, to write the cache once its output is in place
 * (the stamps are those of the files as written).
 */
export class CacheRecorder {
  private readonly pairs = new Map<string, { key: string; summary: SynthesizedSystem; files: Array<readonly [string, string]> }>();
  private platformHash = '';

  constructor(private readonly opts: IncrementalOptions) {}

  /** Call before the build with the specs it builds. */
  start(specs: LoadedSpecs): void {
    this.platformHash = sha256(JSON.stringify(specs.platform));
  }

  /** The hook to pass to the build (see PairObserver). */
  readonly observe: PairObserver = (system, built, files) => {
    const env = built.ctx.env;
    this.pairs.set(`${env}/${built.ctx.system}`, {
      key: pairKey(this.opts.codeHash, this.platformHash, system, env),
      summary: forEnvironmentFolders(built),
      files: files.map(([p, content]) => [p, sha256(content)] as const),
    });
  };

  /** Writes the cache for the output folder as it is now (after a successful write). */
  save(): void {
    const pairs: Record<string, CachedPair> = {};
    const inPairs = new Set<string>();
    for (const [folder, p] of this.pairs) {
      const files: Record<string, FileStamp> = {};
      for (const [path, hash] of p.files) {
        const st = statSync(join(this.opts.outDir, path));
        files[path] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash };
        inPairs.add(path);
      }
      pairs[folder] = { key: p.key, summary: p.summary, files };
    }
    const shared: Record<string, FileStamp> = {};
    for (const path of listFiles(this.opts.outDir)) {
      if (inPairs.has(path)) continue;
      const abs = join(this.opts.outDir, path);
      shared[path] = stampOf(abs, readFileSync(abs, 'utf8'));
    }
    writeCache(this.opts, { version: CACHE_VERSION, codeHash: this.opts.codeHash, outDir: this.opts.outDir, pairs, shared });
  }
}

function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(prefix === '' ? root : join(root, prefix), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

/** Writes a file by rename, so that a reader never sees half of it. */
function replaceFile(abs: string, content: string): void {
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, abs);
}

/**
 * Synthesizes from the cache: builds the pairs whose inputs or files changed, rebuilds the
 * environment folders, writes only files whose content changed and removes what is no longer
 * produced. Returns undefined, having written nothing, when there is no usable cache (the
 * caller then runs a full synth with a CacheRecorder). Throws SpecErrors, having written
 * nothing, when a rebuilt object is invalid.
 */
export function synthIncremental(specs: LoadedSpecs, opts: IncrementalOptions): IncrementalResult | undefined {
  const cache = readCache(opts);
  if (cache === undefined) return undefined;
  const platformHash = sha256(JSON.stringify(specs.platform));
  const errors: SpecError[] = [];
  const built: Tree = new Map();
  const pairs: Record<string, CachedPair> = {};
  const rebuiltFolders = new Set<string>();
  // Which pairs can be reused; when many cannot (a code change, a platform.yaml edit), the
  // full synth, which spreads pairs over threads, is faster than building them here.
  const environments = environmentsOf(specs).map(({ env, systems }) =>
    systems.map((system) => {
      const key = pairKey(opts.codeHash, platformHash, system, env);
      const folder = `${env}/${system.environments.get(env)!.name}`;
      const cached = cache.pairs[folder];
      const reusable = cached !== undefined && cached.key === key && folderIntact(opts.outDir, folder, cached.files);
      return { env, system, key, folder, cached: reusable ? cached : undefined };
    }),
  );
  const pairCount = environments.reduce((n, e) => n + e.length, 0);
  const stale = environments.reduce((n, e) => n + e.filter((p) => p.cached === undefined).length, 0);
  if (stale > opts.maxRebuilt) return undefined;

  for (const [i, { env }] of environmentsOf(specs).entries()) {
    const summaries = environments[i].map(({ system, key, folder, cached }) => {
      if (cached !== undefined) {
        pairs[folder] = cached;
        return cached.summary;
      }
      const s = buildSystem(system, env, specs.platform, errors);
      const files: Tree = new Map();
      addSystemFiles(files, s, system.file);
      for (const [path, content] of files) built.set(path, content);
      rebuiltFolders.add(folder);
      const summary = forEnvironmentFolders(s);
      pairs[folder] = { key, summary, files: Object.fromEntries([...files.keys()].map((p) => [p, { size: -1, mtimeMs: -1, ino: -1, hash: '' }])) };
      return summary;
    });
    buildEnvironmentFolders(built, env, specs.platform, summaries, opts.platformFile, errors);
  }
  if (errors.length > 0) throw new SpecErrors(errors);

  // From here on the output folder changes: without a cache, a run killed now is followed by a full synth.
  dropCache(opts.cacheFile);
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  const shared: Record<string, FileStamp> = {};
  const keep = new Set<string>();
  for (const p of Object.values(pairs)) for (const path of Object.keys(p.files)) keep.add(path);

  for (const [path, content] of built) {
    const abs = join(opts.outDir, path);
    const hash = sha256(content);
    const before = cache.shared[path] ?? cachedPairFile(cache, path);
    let current: string | undefined;
    if (before !== undefined && before.hash === hash && stampMatches(abs, before)) current = content;
    else {
      try {
        current = readFileSync(abs, 'utf8');
      } catch {
        current = undefined;
      }
    }
    if (current !== content) {
      replaceFile(abs, content);
      (current === undefined ? added : changed).push(path);
    }
    const stamp = before !== undefined && current === content && before.hash === hash && stampMatches(abs, before) ? before : stampOf(abs, content);
    const folder = path.split('/').slice(0, 2).join('/');
    if (rebuiltFolders.has(folder)) pairs[folder].files[path] = stamp;
    else shared[path] = stamp;
  }

  // Whatever is on disk and was not produced goes, as a full synth's staged swap would drop it.
  // Intact folders hold exactly their files (folderIntact), so only the others are listed.
  const produced = new Set([...keep, ...built.keys()]);
  const folders = new Map<string, Set<string>>();
  for (const path of produced) {
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth - 1).join('/');
      const names = folders.get(dir) ?? new Set<string>();
      names.add(parts[depth - 1]);
      folders.set(dir, names);
    }
    const dir = parts.slice(0, -1).join('/');
    const names = folders.get(dir) ?? new Set<string>();
    names.add(parts[parts.length - 1]);
    folders.set(dir, names);
  }
  const intact = new Set(Object.keys(pairs).filter((f) => !rebuiltFolders.has(f)));
  for (const [dir, names] of folders) {
    if (intact.has(dir)) continue;
    for (const e of readdirSync(join(opts.outDir, dir), { withFileTypes: true })) {
      if (names.has(e.name)) continue;
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      removed.push(...(e.isDirectory() ? listFiles(opts.outDir, rel) : [rel]));
      rmSync(join(opts.outDir, rel), { recursive: true, force: true });
    }
  }
  writeCache(opts, { version: CACHE_VERSION, codeHash: opts.codeHash, outDir: opts.outDir, pairs, shared });
  return {
    diff: { added: added.sort(), changed: changed.sort(), removed: removed.sort() },
    files: produced.size,
    pairs: pairCount,
    rebuilt: rebuiltFolders.size,
  };
}

function cachedPairFile(cache: CacheFile, path: string): FileStamp | undefined {
  return cache.pairs[path.split('/').slice(0, 2).join('/')]?.files[path];
}

function stampMatches(abs: string, want: FileStamp): boolean {
  try {
    const st = statSync(abs);
    return st.size === want.size && st.mtimeMs === want.mtimeMs && st.ino === want.ino;
  } catch {
    return false;
  }
}
