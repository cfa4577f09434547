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
 * environment, through what the Argo CD charts read of it: its name, namespace and objects'
 * identities (envSummary, which leaves the spec out, so a chart that starts reading the spec
 * fails the byte-identity tests instead of going stale). They are rebuilt when any of that
 * changed in their environment, from the recorded summaries, and only their files whose
 * content changed are written. Loaded specs are cached too (SpecCache), by file content.
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
import { ResolvedPlatform, resolvePlatform } from '../model/context';
import { recoverInterruptedWrite, TreeDiff } from './write';

/** Bumped whenever the layout of the cache file changes: an older file then means a full synth. */
const CACHE_VERSION = 3;

/** What a file looked like when synth wrote it: any change on disk shows in one of these. */
interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  /** sha256 of the content, so a rebuilt file that came out the same is not rewritten. */
  readonly hash: string;
}

interface CachedPair {
  /** Hash of the spec file's path and content: while it holds, so does `key`. */
  readonly fileKey: string;
  /** Hash of the pair's inputs (see pairKey). */
  readonly key: string;
  /**
   * envSummary as JSON: parsed only when the environment folders are rebuilt (kept as one
   * string, the cache of a thousand systems reads in a fraction of the time).
   */
  readonly summary: string;
  /** Hash of `summary`, what the environment folders are built from. */
  readonly summaryHash: string;
  /** The pair's files, relative to the output folder, one per line. */
  readonly files: string;
  /** Hash of the size, mtime and inode of each of them as written (see statDigest). */
  readonly digest: string;
}

interface CacheFile {
  readonly version: number;
  readonly codeHash: string;
  readonly outDir: string;
  /** By `<env>/<system>`, the pair's folder. */
  readonly pairs: Record<string, CachedPair>;
  /** Files of the environment folders (platform/, apps/, bootstrap/). */
  readonly shared: Record<string, FileStamp>;
  /** By environment, the hash of what its folders were built from (see envKey). */
  readonly envs: Record<string, string>;
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

/**
 * What the environment folders are built from for one system: its context without the spec
 * (the Argo CD charts read the name, environment and namespace) and its objects' identities
 * and HorizontalPodAutoscalers (forEnvironmentFolders).
 */
function envSummary(s: SynthesizedSystem): SynthesizedSystem {
  const { system, env, namespace } = s.ctx;
  const manifests = forEnvironmentFolders(s).manifests.map((m) => {
    const identity = { apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, namespace: m.metadata.namespace } };
    const scaleTargetRef = (m as { spec?: { scaleTargetRef?: unknown } }).spec?.scaleTargetRef;
    return (m.kind === 'HorizontalPodAutoscaler' ? { ...identity, spec: { scaleTargetRef } } : identity) as SynthesizedSystem['manifests'][number];
  });
  return { ctx: { system, env, namespace } as SynthesizedSystem['ctx'], manifests };
}

/** An envSummary with the environment's platform settings put back, as the charts take it. */
function withPlatform(s: SynthesizedSystem, platform: ResolvedPlatform): SynthesizedSystem {
  return { ctx: { ...s.ctx, platform }, manifests: s.manifests };
}

function envKey(codeHash: string, platformHash: string, env: string, summaryHashes: readonly string[]): string {
  return sha256(JSON.stringify([codeHash, platformHash, env, summaryHashes]));
}

/** Hash of the size, mtime and inode of files under `outDir`; undefined when one is missing. */
function statDigest(outDir: string, paths: readonly string[]): string | undefined {
  const hash = createHash('sha256');
  for (const path of paths) {
    const st = statSync(join(outDir, path), { throwIfNoEntry: false });
    if (st === undefined) return undefined;
    hash.update(`${path}:${st.size}:${st.mtimeMs}:${st.ino}\n`);
  }
  return hash.digest('base64');
}

function fileKey(codeHash: string, platformHash: string, file: string, content: Buffer): string {
  return createHash('sha256').update(`${codeHash}\0${platformHash}\0${file}\0`).update(content).digest('base64');
}

function readCache(opts: IncrementalOptions): CacheFile | undefined {
  try {
    const cache = deserialize(readFileSync(opts.cacheFile)) as CacheFile;
    if (cache.version !== CACHE_VERSION || cache.codeHash !== opts.codeHash || cache.outDir !== opts.outDir) return undefined;
    if (typeof cache.pairs !== 'object' || typeof cache.shared !== 'object' || typeof cache.envs !== 'object') return undefined;
    return cache;
  } catch {
    return undefined; // no cache, or one that does not parse: a full synth
  }
}

function stampOf(abs: string, content: string): FileStamp {
  const st = statSync(abs);
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash: sha256(content) };
}

/** Whether every file of a pair's folder is exactly as recorded, and no other file is there. */
function folderIntact(outDir: string, folder: string, pair: CachedPair): boolean {
  let names: string[];
  try {
    names = readdirSync(join(outDir, folder));
  } catch {
    return false;
  }
  const files = pair.files.split('\n');
  return names.length === files.length && statDigest(outDir, files) === pair.digest;
}

/**
 * Caches kept per cache folder: one per output folder, and runs into temporary folders (tests,
 * the bench) would otherwise pile up; the least recently written go first.
 */
const MAX_CACHES = 16;

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
  private readonly pairs = new Map<string, { fileKey: string; key: string; summary: SynthesizedSystem; files: string[] }>();
  private platformHash = '';

  constructor(private readonly opts: IncrementalOptions) {}

  private environments: string[] = [];

  /** Call before the build with the specs it builds. */
  start(specs: LoadedSpecs): void {
    this.platformHash = sha256(JSON.stringify(specs.platform));
    this.environments = environmentsOf(specs).map((e) => e.env);
  }

  /** The hook to pass to the build (see PairObserver). */
  readonly observe: PairObserver = (system, built, files) => {
    const env = built.ctx.env;
    this.pairs.set(`${env}/${built.ctx.system}`, {
      fileKey: fileKey(this.opts.codeHash, this.platformHash, system.file, readFileSync(system.file)),
      key: pairKey(this.opts.codeHash, this.platformHash, system, env),
      summary: envSummary(built),
      files: files.map(([p]) => p),
    });
  };

  /** Writes the cache for the output folder as it is now (after a successful write). */
  save(): void {
    const pairs: Record<string, CachedPair> = {};
    const inPairs = new Set<string>();
    for (const [folder, p] of this.pairs) {
      for (const path of p.files) inPairs.add(path);
      const summary = JSON.stringify(p.summary);
      pairs[folder] = { fileKey: p.fileKey, key: p.key, summary, summaryHash: sha256(summary), files: p.files.join('\n'), digest: statDigest(this.opts.outDir, p.files) ?? '' };
    }
    const envs: Record<string, string> = {};
    for (const env of this.environments) {
      const hashes = Object.entries(pairs).filter(([f]) => f.startsWith(`${env}/`)).map(([, p]) => p.summaryHash);
      envs[env] = envKey(this.opts.codeHash, this.platformHash, env, hashes);
    }
    const shared: Record<string, FileStamp> = {};
    for (const path of listFiles(this.opts.outDir)) {
      if (inPairs.has(path)) continue;
      const abs = join(this.opts.outDir, path);
      shared[path] = stampOf(abs, readFileSync(abs, 'utf8'));
    }
    writeCache(this.opts, { version: CACHE_VERSION, codeHash: this.opts.codeHash, outDir: this.opts.outDir, pairs, shared, envs });
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
  // A full synth killed during its swap left the previous tree aside: put it back first.
  recoverInterruptedWrite(opts.outDir);
  const platformHash = sha256(JSON.stringify(specs.platform));
  const errors: SpecError[] = [];
  const built: Tree = new Map();
  const pairs: Record<string, CachedPair> = {};
  const rebuiltFolders = new Set<string>();
  // Which pairs can be reused; when many cannot (a code change, a platform.yaml edit), the
  // full synth, which spreads pairs over threads, is faster than building them here.
  const fileKeys = new Map<string, string>();
  const environments = environmentsOf(specs).map(({ env, systems }) =>
    systems.map((system) => {
      const folder = `${env}/${system.environments.get(env)!.name}`;
      let fk = fileKeys.get(system.file);
      if (fk === undefined) {
        fk = fileKey(opts.codeHash, platformHash, system.file, readFileSync(system.file));
        fileKeys.set(system.file, fk);
      }
      const cached = cache.pairs[folder];
      // The merged spec is hashed only when its file changed: an edit to one environment's
      // overrides then rebuilds that environment only.
      const key = cached !== undefined && cached.fileKey === fk ? cached.key : pairKey(opts.codeHash, platformHash, system, env);
      const reusable = cached !== undefined && cached.key === key && folderIntact(opts.outDir, folder, cached);
      return { env, system, key, fileKey: fk, folder, cached: reusable ? cached : undefined };
    }),
  );
  const pairCount = environments.reduce((n, e) => n + e.length, 0);
  const stale = environments.reduce((n, e) => n + e.filter((p) => p.cached === undefined).length, 0);
  if (stale > opts.maxRebuilt) return undefined;

  const envs: Record<string, string> = {};
  const keptShared = new Set<string>();
  for (const [i, { env }] of environmentsOf(specs).entries()) {
    const summaries = environments[i].map(({ system, key, fileKey: fk, folder, cached }) => {
      if (cached !== undefined) {
        pairs[folder] = cached;
        return cached.summary;
      }
      const s = buildSystem(system, env, specs.platform, errors);
      const files: Tree = new Map();
      addSystemFiles(files, s, system.file);
      for (const [path, content] of files) built.set(path, content);
      rebuiltFolders.add(folder);
      const summary = JSON.stringify(envSummary(s));
      // The digest is taken once the files are written.
      pairs[folder] = { fileKey: fk, key, summary, summaryHash: sha256(summary), files: [...files.keys()].join('\n'), digest: '' };
      return summary;
    });
    envs[env] = envKey(opts.codeHash, platformHash, env, environments[i].map(({ folder }) => pairs[folder].summaryHash));
    const ownFiles = Object.keys(cache.shared).filter((p) => p.startsWith(`${env}/`));
    if (cache.envs[env] === envs[env] && ownFiles.length > 0 && ownFiles.every((p) => stampMatches(join(opts.outDir, p), cache.shared[p]))) {
      // Nothing its folders are built from changed, and they are as written: they stay.
      for (const p of ownFiles) keptShared.add(p);
      continue;
    }
    const platform = resolvePlatform(specs.platform, env);
    buildEnvironmentFolders(built, env, specs.platform, summaries.map((x) => withPlatform(JSON.parse(x) as SynthesizedSystem, platform)), opts.platformFile, errors);
  }
  if (errors.length > 0) throw new SpecErrors(errors);

  // From here on the output folder changes: without a cache, a run killed now is followed by a full synth.
  dropCache(opts.cacheFile);
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  const shared: Record<string, FileStamp> = {};
  const keep = new Set<string>(keptShared);
  for (const p of Object.values(pairs)) for (const path of p.files.split('\n')) keep.add(path);
  for (const path of keptShared) shared[path] = cache.shared[path];

  for (const [path, content] of built) {
    const abs = join(opts.outDir, path);
    const hash = sha256(content);
    const before = cache.shared[path];
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
    if (!rebuiltFolders.has(path.split('/').slice(0, 2).join('/'))) shared[path] = stamp;
  }
  for (const folder of rebuiltFolders) pairs[folder] = { ...pairs[folder], digest: statDigest(opts.outDir, pairs[folder].files.split('\n')) ?? '' };

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
  writeCache(opts, { version: CACHE_VERSION, codeHash: opts.codeHash, outDir: opts.outDir, pairs, shared, envs });
  return {
    diff: { added: added.sort(), changed: changed.sort(), removed: removed.sort() },
    files: produced.size,
    pairs: pairCount,
    rebuilt: rebuiltFolders.size,
  };
}

function stampMatches(abs: string, want: FileStamp): boolean {
  try {
    const st = statSync(abs);
    return st.size === want.size && st.mtimeMs === want.mtimeMs && st.ino === want.ino;
  } catch {
    return false;
  }
}
