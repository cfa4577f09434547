/**
 * Incremental synth: rebuilds only the system/environment pairs whose inputs changed, through
 * the one pair-building seam (src/synth/pair-builder.ts) and buildInto (src/synth/build.ts):
 * - CachedPairBuilder wraps the serial or worker builder: for a pair whose inputs are
 *   unchanged it hands on the stored output (its summary from the cache, its files as kept:
 *   in place in the output folder, not even read), and gives the other pairs to the wrapped
 *   builder;
 * - cachedEnvironmentFolders does the same for each environment's platform/, apps/ and
 *   bootstrap/ folders, whose input is the summaries of the environment's systems;
 * - InPlaceWriter is the TreeSink of an incremental run: under the output folder's lock it
 *   writes only the files whose content changed, removes what is no longer produced and keeps
 *   synth's marker.
 *
 * A pair's inputs are the code (one hash for all of it, see codeFingerprint), platform.yaml,
 * and the system's spec with that environment's overrides merged (plus the spec's path, which
 * the files name as their source). After a successful synth the cache under .cache/ records,
 * for each pair, the hash of its inputs, its summary without the context (the context is made
 * again from the loaded spec, as buildPair makes it), its files, and one digest of their size,
 * mtime and inode as written. A pair whose inputs hash the same and whose files on disk are
 * exactly those (none edited, added or removed by hand) is not built again; the files are
 * looked at while the pairs whose inputs changed are built (FolderDigests, on another thread).
 * An environment's folders are rebuilt when what they read of its systems changed (envSummary:
 * names, namespaces, kinds, autoscaled Deployments; an image or setting edit leaves them
 * alone), or a file of them is not as written.
 *
 * Anything unexpected (no cache, a cache that does not parse, another code hash, another
 * output folder) means a full synth (StagedWriter), which writes a new cache. The cache file
 * is removed before an incremental run writes anything, so a run killed half-way is followed
 * by a full synth; test/incremental.test.ts checks that the output is byte-identical to a full
 * synth.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { deferredSystemContext, resolvePlatform } from '../model/context';
import type { SystemSummary } from '../model/summary';
import type { LoadedSpecs, LoadedSystem } from '../spec/load';
import { buildEnvironmentFolders, EnvironmentFolderBuilder, pairsOf, TreeSink } from './build';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT, OutputLock, OutputLockError } from './output-folder';
import type { BuildStats, Pair, PairBuilder, PairOutput } from './pair-builder';
import { fileVersion, FolderDigests, FolderState, folderState } from './folder-digests';
import { platformHashOf, specKey } from './spec-cache';
import { recoverInterruptedWrite, TreeDiff } from './write';

/** Bumped whenever the layout of the cache file changes: an older file then means a full synth. */
const CACHE_VERSION = 7;

/** An environment folder (platform/, apps/, bootstrap/) as written: its files, and its state then. */
interface SharedFolder extends FolderState {
  readonly names: readonly string[];
}

interface CachedPair {
  /** Hash of the spec file's path and content: while it holds, so does `key`. */
  readonly fileKey: string;
  /** Hash of the pair's inputs (see pairKey). */
  readonly key: string;
  /**
   * The pair's SystemSummary without its context, as JSON (parsed only when the pair is
   * reused, once per distinct summary: most systems of one seed share theirs).
   */
  readonly summary: string;
  /** How many files the pair's folder holds. */
  readonly files: number;
  /** Hash of the name, size, mtime and inode of each file of its folder as written (see src/synth/folder-digests.ts). */
  readonly digest: string;
}

/** A pair as the cache file holds it: its summary as an index into CacheFile.summaries. */
type StoredPair = Omit<CachedPair, 'summary'> & { readonly summary: number };

interface CacheFile {
  readonly version: number;
  readonly codeHash: string;
  readonly outDir: string;
  /** By `<env>/<system>`, the pair's folder. */
  readonly pairs: Record<string, StoredPair>;
  /** The distinct summaries of the pairs (a thousand systems have a few dozen): the file stays small. */
  readonly summaries: readonly string[];
  /** By folder, the environment folders (<env>/platform, <env>/apps, <env>/bootstrap). */
  readonly shared: Record<string, SharedFolder>;
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
   * Above this many pairs to rebuild, the run is a full synth (StagedWriter swaps the whole
   * tree in at once) rather than an in-place update.
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
  readonly stats: BuildStats;
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

/** Hash of the code and of a spec file's path, content and platform.yaml (its specKey). */
function fileKey(codeHash: string, specKeyOfFile: string): string {
  return sha256(`${codeHash}\0${specKeyOfFile}`);
}

/**
 * What the environment folders are built from for one system: its summary with a context that
 * keeps the name, environment, namespace and platform but not the spec (the Argo CD charts read
 * no more). A chart that starts reading the spec then fails the byte-identity tests of
 * test/incremental.test.ts instead of leaving these folders stale after a spec edit.
 */
function envSummary(s: SystemSummary): SystemSummary {
  const { system, env, namespace, platform } = s.ctx;
  return { ctx: { system, env, namespace, platform } as SystemSummary['ctx'], kinds: s.kinds, autoscaledDeployments: s.autoscaledDeployments };
}

/** JSON of the kind lists and Deployment lists of summaries, which reused pairs share. */
const listJson = new WeakMap<readonly unknown[], string>();

function jsonOfList(list: readonly unknown[]): string {
  let json = listJson.get(list);
  if (json === undefined) {
    json = JSON.stringify(list);
    listJson.set(list, json);
  }
  return json;
}

/** Hash of what an environment's folders are built from (see envSummary; the platform is in platformHash). */
function envKey(codeHash: string, platformHash: string, env: string, systems: readonly SystemSummary[]): string {
  const lines = [JSON.stringify([codeHash, platformHash, env])];
  for (const s of systems) lines.push(`${JSON.stringify([s.ctx.system, s.ctx.env, s.ctx.namespace])}${jsonOfList(s.kinds)}${jsonOfList(s.autoscaledDeployments)}`);
  return sha256(lines.join('\n'));
}

/** What a run reads of the cache file: its pairs with their summaries in place. */
type StoredCache = Omit<CacheFile, 'pairs' | 'summaries'> & { readonly pairs: Record<string, CachedPair> };

function readCache(opts: IncrementalOptions): StoredCache | undefined {
  try {
    const cache = deserialize(readFileSync(opts.cacheFile)) as CacheFile;
    if (cache.version !== CACHE_VERSION || cache.codeHash !== opts.codeHash || cache.outDir !== opts.outDir) return undefined;
    if (typeof cache.pairs !== 'object' || !Array.isArray(cache.summaries) || typeof cache.shared !== 'object' || typeof cache.envs !== 'object') return undefined;
    const pairs: Record<string, CachedPair> = {};
    for (const [folder, p] of Object.entries(cache.pairs)) {
      const summary = cache.summaries[p.summary];
      if (typeof summary !== 'string') return undefined;
      pairs[folder] = { ...p, summary };
    }
    return { ...cache, pairs };
  } catch {
    return undefined; // no cache, or one that does not parse: a full synth
  }
}

/**
 * Whether every file of a folder is exactly as recorded, and no other file is there; from
 * `states` (taken by FolderDigests) when it holds the folder.
 */
function folderIntact(outDir: string, folder: string, recorded: FolderState, states?: ReadonlyMap<string, FolderState | undefined>): boolean {
  const now = states?.has(folder) ? states.get(folder) : folderState(outDir, folder);
  return now !== undefined && now.files === recorded.files && now.digest === recorded.digest;
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
    .filter((n) => n.endsWith('.v8') && !n.endsWith('.specs.v8'))
    .map((n) => join(dir, n))
    .filter((f) => f !== opts.cacheFile)
    .map((f) => ({ f, t: statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of others.slice(MAX_CACHES - 1)) {
    rmSync(f, { force: true });
    rmSync(f.replace(/\.v8$/, '.specs.v8'), { force: true });
  }
}

/** Removes the cache, e.g. before a full synth, so a stale one is never trusted. */
export function dropCache(cacheFile: string): void {
  rmSync(cacheFile, { force: true });
}

/** Relative POSIX paths of every file under root/prefix (none when it does not exist), but synth's marker. */
function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(prefix === '' ? root : join(root, prefix), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (prefix === '' && e.name === OUTPUT_MARKER) continue;
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

/** What the cache says of one pair in this run. */
interface PairPlan {
  readonly pair: Pair;
  readonly folder: string;
  readonly fileKey: string;
  readonly key: string;
  /**
   * The stored pair, when its inputs are unchanged: it is reused as it is if its files are too
   * (see IncrementalCache.confirm).
   */
  readonly candidate?: CachedPair;
}

/** The folder states of a run, taken when first needed (see FolderDigests.take). */
type FolderStates = () => ReadonlyMap<string, FolderState | undefined> | undefined;

/**
 * The cache of one synth run: what the previous run stored (none for a full synth) and what
 * this run builds, saved once its output is in place.
 */
export class IncrementalCache {
  /** By pair folder, what this run does with each pair. */
  private readonly plans = new Map<string, PairPlan>();
  /** Pair folders whose inputs and files are unchanged, once confirm() has looked at the files. */
  private intact: ReadonlySet<string> | undefined;
  private readonly platformHash: string;
  private readonly pairs: Record<string, CachedPair> = {};
  private readonly envs: Record<string, string> = {};
  /** Environment folders this run produced: as they were (kept), or their files' names (built). */
  private readonly shared = new Map<string, SharedFolder | string[]>();
  /** The folder states confirm() took (undefined before, or when none were being taken). */
  private takenStates: ReadonlyMap<string, FolderState | undefined> | undefined;
  /** Each environment's resolved platform, shared by the contexts of reused pairs (only read). */
  private readonly platforms = new Map<string, ReturnType<typeof resolvePlatform>>();
  /** Summaries parsed so far, by their JSON (pairs share them; they are only read). */
  private readonly parsedSummaries = new Map<string, Omit<SystemSummary, 'ctx'>>();
  /** Pair folders built in this run (the others are reused and untouched). */
  readonly rebuilt = new Set<string>();
  readonly pairCount: number;

  /**
   * @param stored what the previous run stored; undefined plans a full synth (every pair built)
   * @param states the pair folders' states, when they are being taken already (see FolderDigests)
   * @param specKeys by spec file, a hash of its path, content and platform.yaml when one is
   *   known already (see SpecCache.keys); the others are read and hashed here
   */
  constructor(
    private readonly opts: IncrementalOptions,
    private readonly specs: LoadedSpecs,
    private readonly stored: StoredCache | undefined,
    private readonly states?: FolderStates,
    specKeys?: ReadonlyMap<string, string>,
  ) {
    this.platformHash = platformHashOf(specs.platform);
    const fileKeys = new Map<string, string>();
    const pairs = pairsOf(specs);
    this.pairCount = pairs.length;
    for (const pair of pairs) {
      const { system, env } = pair;
      const folder = `${env}/${system.facts.get(env)!.name}`;
      let fk = fileKeys.get(system.file);
      if (fk === undefined) {
        fk = fileKey(opts.codeHash, specKeys?.get(system.file) ?? specKey(system.file, this.platformHash, readFileSync(system.file)));
        fileKeys.set(system.file, fk);
      }
      const cached = stored?.pairs[folder];
      // The merged spec is hashed only when its file changed: an edit to one environment's
      // overrides then rebuilds that environment only.
      const key = cached !== undefined && cached.fileKey === fk ? cached.key : pairKey(opts.codeHash, this.platformHash, system, env);
      this.plans.set(folder, { pair, folder, fileKey: fk, key, candidate: cached !== undefined && cached.key === key ? cached : undefined });
    }
  }

  /**
   * Reads the cache of `opts.outDir`; undefined when there is none usable. Call holding the
   * output folder's lock. `digests`, started before the lock was taken, are used when they
   * were taken from this same cache file; `specKeys` as in the constructor.
   */
  static read(opts: IncrementalOptions, specs: LoadedSpecs, digests?: FolderDigests, specKeys?: ReadonlyMap<string, string>): IncrementalCache | undefined {
    const version = fileVersion(opts.cacheFile);
    const stored = readCache(opts);
    return stored === undefined ? undefined : new IncrementalCache(opts, specs, stored, digests && (() => digests.take(version)), specKeys);
  }

  /** A cache for a full synth: every pair is built and recorded. */
  static full(opts: IncrementalOptions, specs: LoadedSpecs, specKeys?: ReadonlyMap<string, string>): IncrementalCache {
    dropCache(opts.cacheFile);
    return new IncrementalCache(opts, specs, undefined, undefined, specKeys);
  }

  /** Pairs whose inputs changed: they will be built (and any whose files changed, see confirm). */
  get staleCount(): number {
    let n = 0;
    for (const p of this.plans.values()) if (p.candidate === undefined) n++;
    return n;
  }

  planOf(pair: Pair): PairPlan {
    return this.plans.get(`${pair.env}/${pair.system.facts.get(pair.env)!.name}`)!;
  }

  /**
   * Looks at the files of the pairs whose inputs are unchanged (from the folder states when
   * they were taken, else here): those whose folder holds exactly what was written are reused.
   */
  confirm(): void {
    if (this.intact !== undefined) return;
    const states = this.states?.();
    this.takenStates = states;
    const intact = new Set<string>();
    for (const plan of this.plans.values()) {
      if (plan.candidate !== undefined && folderIntact(this.opts.outDir, plan.folder, plan.candidate, states)) intact.add(plan.folder);
    }
    this.intact = intact;
  }

  /** Whether a pair is reused as it is (after confirm(); before, none is). */
  reusable(plan: PairPlan): boolean {
    return this.intact?.has(plan.folder) ?? false;
  }

  /**
   * The stored output of a reusable pair: summary with its context made again (from the
   * system's facts: its spec is not merged unless read), and its folder as kept (its files are
   * in the output folder as they should be: not even listed).
   */
  reuse(plan: PairPlan): PairOutput {
    if (!this.reusable(plan)) throw new Error(`${plan.folder} is not known to be intact; it cannot be reused`);
    const cached = plan.candidate!;
    const { system, env } = plan.pair;
    let rest = this.parsedSummaries.get(cached.summary);
    if (rest === undefined) {
      rest = JSON.parse(cached.summary) as Omit<SystemSummary, 'ctx'>;
      this.parsedSummaries.set(cached.summary, rest);
    }
    let platform = this.platforms.get(env);
    if (platform === undefined) {
      platform = resolvePlatform(this.specs.platform, env);
      this.platforms.set(env, platform);
    }
    const ctx = deferredSystemContext(system.facts.get(env)!, platform, () => system.environments.get(env)!);
    this.pairs[plan.folder] = cached;
    return { summary: { ctx, kinds: rest.kinds, autoscaledDeployments: rest.autoscaledDeployments }, files: [], kept: { folder: plan.folder, files: cached.files }, errors: [] };
  }

  /** Records a pair built in this run (its digest is taken once its files are written). */
  record(plan: PairPlan, out: PairOutput): void {
    if (out.summary === undefined) return; // the build throws
    const { ctx: _ctx, ...rest } = out.summary;
    this.pairs[plan.folder] = { fileKey: plan.fileKey, key: plan.key, summary: JSON.stringify(rest), files: out.files.length, digest: '' };
    this.rebuilt.add(plan.folder);
  }

  /**
   * The environment folders' builder: the files as kept in the output folder when what
   * they read of the environment's summaries (envSummary) is what they were built from and no
   * file of them changed on disk; else buildEnvironmentFolders, from those same envSummaries.
   */
  readonly folders: EnvironmentFolderBuilder = (env, platformSpec, full, platformFile, errors) => {
    const systems = full.map(envSummary);
    const key = envKey(this.opts.codeHash, this.platformHash, env, systems);
    this.envs[env] = key;
    const stored = this.stored;
    if (stored !== undefined && stored.envs[env] === key) {
      const own = Object.entries(stored.shared).filter(([folder]) => folder.startsWith(`${env}/`));
      if (own.length > 0 && own.every(([folder, recorded]) => folderIntact(this.opts.outDir, folder, recorded, this.takenStates))) {
        for (const [folder, recorded] of own) this.shared.set(folder, recorded);
        return { kept: own.flatMap(([folder, recorded]) => recorded.names.map((name) => `${folder}/${name}`)) };
      }
    }
    const files = buildEnvironmentFolders(env, platformSpec, systems, platformFile, errors);
    for (const [path] of files) {
      const slash = path.lastIndexOf('/');
      const folder = path.slice(0, slash);
      const names = this.shared.get(folder);
      if (Array.isArray(names)) names.push(path.slice(slash + 1));
      else this.shared.set(folder, [path.slice(slash + 1)]);
    }
    return files;
  };

  /** Pair folders reused as they are: they hold exactly their files (after the build). */
  intactFolders(): Set<string> {
    return new Set(Object.keys(this.pairs).filter((f) => !this.rebuilt.has(f)));
  }

  /** Writes the cache for the output folder as it is now (after a successful write, holding its lock). */
  save(): void {
    const outDir = this.opts.outDir;
    const pairs: Record<string, StoredPair> = {};
    const summaries: string[] = [];
    const summaryIndex = new Map<string, number>();
    for (const [folder, p] of Object.entries(this.pairs)) {
      let summary = summaryIndex.get(p.summary);
      if (summary === undefined) {
        summary = summaries.push(p.summary) - 1;
        summaryIndex.set(p.summary, summary);
      }
      pairs[folder] = { ...p, summary, digest: this.rebuilt.has(folder) ? (folderState(outDir, folder)?.digest ?? '') : p.digest };
    }
    const shared: Record<string, SharedFolder> = {};
    for (const [folder, kept] of this.shared) {
      if (!Array.isArray(kept)) shared[folder] = kept;
      // A folder that cannot be read now is recorded as never intact: its environment is built again.
      else shared[folder] = { ...(folderState(outDir, folder) ?? { digest: '', files: -1 }), names: kept };
    }
    writeCache(this.opts, { version: CACHE_VERSION, codeHash: this.opts.codeHash, outDir, pairs, summaries, shared, envs: this.envs });
  }
}

/**
 * The PairBuilder of a synth with a cache: hands on the stored output of each pair whose
 * inputs and files are unchanged, and builds the others with the builder `inner` returns for
 * their number (serial or on worker threads), in the order of the pairs.
 *
 * When some pairs may be reused, those whose inputs changed are built first and their outputs
 * held (an incremental run builds at most IncrementalOptions.maxRebuilt of them), while another
 * thread looks at the files of the others; then any of those whose files changed is built too,
 * and every output is handed on in order as soon as the ones before it are. Else (a full
 * synth) each output is handed on as it comes.
 */
export class CachedPairBuilder implements PairBuilder {
  constructor(
    private readonly cache: IncrementalCache,
    private readonly inner: (pairs: number) => PairBuilder,
  ) {}

  build(specs: LoadedSpecs, pairs: readonly Pair[], take: (output: PairOutput) => void): BuildStats {
    const plans = pairs.map((p) => this.cache.planOf(p));
    const changed = plans.flatMap((p, i) => (p.candidate === undefined ? [i] : []));
    if (changed.length === plans.length) {
      return this.buildEach(specs, plans, changed, (_i, out) => take(out));
    }
    const built = new Map<number, PairOutput>();
    let stats = this.buildEach(specs, plans, changed, (i, out) => built.set(i, out));
    this.cache.confirm();
    let next = 0; // the next pair to hand on
    const handOnUpTo = (end: number) => {
      for (; next < end; next++) {
        const out = built.get(next);
        built.delete(next);
        take(out ?? this.cache.reuse(plans[next]));
      }
    };
    const edited = plans.flatMap((p, i) => (p.candidate !== undefined && !this.cache.reusable(p) ? [i] : []));
    stats = addStats(
      stats,
      this.buildEach(specs, plans, edited, (i, out) => {
        handOnUpTo(i);
        take(out);
        next = i + 1;
      }),
    );
    handOnUpTo(plans.length);
    return stats;
  }

  /** Builds the pairs at `indices` of `plans`, records each and hands it to `each` in order. */
  private buildEach(specs: LoadedSpecs, plans: readonly PairPlan[], indices: readonly number[], each: (i: number, out: PairOutput) => void): BuildStats {
    if (indices.length === 0) return { workers: 0, pairsOnMainThread: 0, pairsOnWorkers: 0 };
    let k = 0;
    return this.inner(indices.length).build(
      specs,
      indices.map((i) => plans[i].pair),
      (out) => {
        const i = indices[k++];
        this.cache.record(plans[i], out);
        each(i, out);
      },
    );
  }
}

/** Two builds' stats as one. */
function addStats(a: BuildStats, b: BuildStats): BuildStats {
  return { workers: Math.max(a.workers, b.workers), pairsOnMainThread: a.pairsOnMainThread + b.pairsOnMainThread, pairsOnWorkers: a.pairsOnWorkers + b.pairsOnWorkers };
}

/** Writes a file by rename, so that a reader never sees half of it. */
function replaceFile(abs: string, content: string): void {
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, abs);
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The TreeSink of an incremental run. It holds the output folder's lock from before the cache
 * is read until commit() or abort(); it keeps in memory only the files whose content differs
 * from the output folder (files the cache handed on as read from it are not compared again),
 * and changes nothing before commit().
 */
export class InPlaceWriter implements TreeSink {
  private readonly paths = new Set<string>();
  /** Folders of reused pairs, kept whole (see keepFolder), and how many files they hold. */
  private readonly keptFolders = new Set<string>();
  private keptFiles = 0;
  private readonly pending = new Map<string, string>();
  private readonly added: string[] = [];
  private readonly changed: string[] = [];

  /** Takes the lock of `outDir` (waiting for another writer) and puts back a tree a killed full synth left aside. */
  constructor(
    private readonly outDir: string,
    private readonly lock: OutputLock,
  ) {
    try {
      recoverInterruptedWrite(outDir);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  static open(outDir: string, hooks: { readonly onLockWait?: (pid: number) => void; readonly lockTimeoutMs?: number } = {}): InPlaceWriter {
    return new InPlaceWriter(outDir, new OutputLock(outDir).acquire({ timeoutMs: hooks.lockTimeoutMs, onWait: hooks.onLockWait }));
  }

  get size(): number {
    return this.paths.size + this.keptFiles;
  }

  has(path: string): boolean {
    return this.paths.has(path) || this.keptFolders.has(path.slice(0, path.lastIndexOf('/')));
  }

  set(path: string, content: string): this {
    this.claim(path);
    const current = readIfFile(join(this.outDir, path));
    if (current !== content) {
      this.pending.set(path, content);
      (current === undefined ? this.added : this.changed).push(path);
    }
    return this;
  }

  /** A file produced, and in place as it should be already. */
  keepFile(path: string): this {
    this.claim(path);
    return this;
  }

  private claim(path: string): void {
    if (this.paths.has(path)) throw new Error(`${path} was staged twice`);
    if (path === OUTPUT_MARKER) throw new Error(`${path} is synth's marker file; no generated file may take its name`);
    this.paths.add(path);
  }

  /** The folder of a reused pair: produced, with its files in place as they should be. */
  keepFolder(folder: string, files: number): this {
    if (this.keptFolders.has(folder)) throw new Error(`${folder}/ was staged twice`);
    this.keptFolders.add(folder);
    this.keptFiles += files;
    return this;
  }

  /**
   * Writes the changed files, removes what was not produced (folders in `intact` hold exactly
   * their files and are not listed), puts the marker in place, then calls `whileLocked` (the
   * cache is saved there) and releases the lock.
   */
  commit(cacheFile: string, intact: ReadonlySet<string>, whileLocked: () => void): TreeDiff {
    try {
      if (!this.lock.stillHeld()) {
        throw new OutputLockError(`the lock on ${this.outDir} was taken over by another run while this one was writing; run synth again`);
      }
      // From here on the output folder changes: without a cache, a run killed now is followed by a full synth.
      dropCache(cacheFile);
      for (const [path, content] of this.pending) replaceFile(join(this.outDir, path), content);
      const removed = this.removeUnproduced(intact);
      if (readIfFile(join(this.outDir, OUTPUT_MARKER)) !== OUTPUT_MARKER_TEXT) replaceFile(join(this.outDir, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
      whileLocked();
      return { added: this.added.sort(), changed: this.changed.sort(), removed: removed.sort() };
    } finally {
      this.abort();
    }
  }

  /** Changes nothing (what commit() did stays) and releases the lock. */
  abort(): void {
    this.pending.clear();
    this.lock.release();
  }

  /** Whatever is on disk and was not produced goes, as a full synth's staged swap would drop it. */
  private removeUnproduced(intact: ReadonlySet<string>): string[] {
    const removed: string[] = [];
    const folders = new Map<string, Set<string>>();
    const add = (dir: string, name: string) => {
      const names = folders.get(dir) ?? new Set<string>();
      names.add(name);
      folders.set(dir, names);
    };
    // Each folder's chain of parents is added once; a folder in `intact` is not listed.
    const seen = new Set<string>();
    const addChain = (dir: string) => {
      if (dir === '' || seen.has(dir)) return;
      seen.add(dir);
      const slash = dir.lastIndexOf('/');
      const parent = slash < 0 ? '' : dir.slice(0, slash);
      add(parent, dir.slice(slash + 1));
      addChain(parent);
    };
    for (const path of this.paths) {
      const slash = path.lastIndexOf('/');
      const dir = slash < 0 ? '' : path.slice(0, slash);
      if (!intact.has(dir)) add(dir, path.slice(slash + 1));
      addChain(dir);
    }
    for (const folder of this.keptFolders) addChain(folder);
    if (!existsSync(this.outDir)) return removed;
    for (const [dir, names] of folders) {
      if (intact.has(dir)) continue;
      for (const e of readdirSync(join(this.outDir, dir), { withFileTypes: true })) {
        if (names.has(e.name) || (dir === '' && e.name === OUTPUT_MARKER)) continue;
        const rel = dir === '' ? e.name : `${dir}/${e.name}`;
        removed.push(...(e.isDirectory() ? listFiles(this.outDir, rel) : [rel]));
        rmSync(join(this.outDir, rel), { recursive: true, force: true });
      }
    }
    return removed;
  }
}
