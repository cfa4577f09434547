/**
 * `npm run synth [-- --check] [--apps DIR] [--out DIR] [--platform FILE]`
 * Exit codes: 0 success; 1 invalid spec or policy violation (nothing written); 2 usage error.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpecErrors } from '../spec/errors';
import { buildSettingsFromEnv, parseCommandArgs, UsageError } from './command';
import { guardInputDir, guardOutputDir } from './output-guard';
import type { Environment } from './progress';
import type { Progress } from './progress';
import { loadSpecs } from '../spec/load';
import { buildInto } from '../synth/build';
import { OutputLockError } from '../synth/output-folder';
import type { BuildStats } from '../synth/pair-builder';
import { BuildSettings, pairBuilderFor, pairBuilderForCount, pairCount, prestartWorkers } from '../synth/parallel';
import { FolderDigests, PRESTART_HINT_ENV } from '../synth/folder-digests';
import { CachedPairBuilder, IncrementalCache, InPlaceWriter } from '../synth/incremental';
import { SpecCache } from '../synth/spec-cache';
import { CheckSink, isEmptyDiff, StagedWriter, TreeDiff } from '../synth/write';
import { incrementalOptions, reportIncremental } from './synth-incremental';

export const USAGE = `Usage: npm run synth -- [--check] [--apps DIR] [--out DIR] [--platform FILE] [--quiet] [--full]

  --check          write nothing; exit 1 and list the files that differ when DIR is stale
  --apps DIR       read system specs from DIR (default: apps)
  --out DIR        write manifests to DIR (default: dist, or $CDK8S_OUTDIR under cdk8s synth)
  --platform FILE  platform settings (default: platform.yaml)
  --quiet          print only errors and warnings
  --full           rebuild every system-environment, ignoring the cache in .cache/incremental/
                   (the default under cdk8s synth, which empties the output folder first)
`;

export interface SynthOptions {
  readonly check: boolean;
  readonly apps: string;
  readonly out: string;
  readonly platform: string;
  readonly quiet: boolean;
  /** Worker threads and who builds (GITOPS_SYNTH_WORKERS, GITOPS_SYNTH_MAIN_BUILDS). */
  readonly build: BuildSettings;
  /**
   * Folder of the incremental cache: only the system-environments whose inputs changed since
   * the last run are rebuilt (src/synth/incremental.ts). The command line uses
   * .cache/incremental/ under the working directory unless --full is given.
   * @default - no cache: every pair is built
   */
  readonly cacheDir?: string;
  /**
   * Where to leave the hint that lets the next run with the same arguments start taking the
   * output folder's state before the bundle loads (scripts/synth.js sets GITOPS_SYNTH_PRESTART,
   * see scripts/folder-state.js).
   * @default - no hint
   */
  readonly prestartHint?: string;
}

export function parseSynthArgs(argv: readonly string[], env: Environment): SynthOptions {
  const { values } = parseCommandArgs(
    argv,
    {
      check: { type: 'boolean' },
      quiet: { type: 'boolean' },
      full: { type: 'boolean' },
      apps: { type: 'string' },
      out: { type: 'string' },
      platform: { type: 'string' },
    },
    false,
  );
  return {
    check: values.check ?? false,
    quiet: values.quiet ?? false,
    apps: values.apps ?? 'apps',
    out: values.out ?? env.CDK8S_OUTDIR ?? 'dist',
    platform: values.platform ?? 'platform.yaml',
    build: buildSettingsFromEnv(env),
    cacheDir: (values.full ?? false) || env.CDK8S_OUTDIR !== undefined ? undefined : resolve('.cache', 'incremental'),
    prestartHint: env[PRESTART_HINT_ENV],
  };
}

/** PVCs that disappear from dist/: Argo CD keeps them (Prune=false), but nothing uses them any more. */
export function orphanedVolumeWarnings(diff: TreeDiff): string[] {
  return diff.removed
    .filter((p) => /\/persistentvolumeclaim-[^/]+\.yaml$/.test(p))
    .map(
      (p) =>
        `warning: ${p} is no longer generated. Argo CD will not delete the volume (Prune=false), but nothing mounts it now; ` +
        `if you renamed a system, environment or volume, the new claim starts empty: copy the data over, then delete the old claim by hand.`,
    );
}

/** Reports every PROGRESS_EVERY files to the progress line (a terminal only). */
const PROGRESS_EVERY = 250;

/** Where the system/environment pairs were built, when worker threads took part. */
function threads(stats: BuildStats | undefined): string {
  if (stats === undefined || stats.workers === 0) return '';
  const workers = `${stats.workers} worker thread${stats.workers === 1 ? '' : 's'}`;
  return `; ${stats.pairsOnMainThread + stats.pairsOnWorkers} system-environments built, ${stats.pairsOnMainThread} on the main thread and ${stats.pairsOnWorkers} on ${workers}`;
}

/**
 * Where synth may read and write, checked before anything is read: the specs folder exists,
 * and the output folder is one synth may replace (src/cli/output-guard.ts). Throws UsageError.
 */
export function checkSynthPaths(opts: SynthOptions): string {
  if (opts.platform.trim() === '') throw new UsageError('--platform is empty (an unset shell variable?); name the platform file, e.g. --platform platform.yaml');
  guardInputDir(opts.apps, '--apps', { mustExist: true });
  if (!opts.check) {
    return guardOutputDir(opts.out, {
      protect: [
        { path: opts.apps, what: 'the specs folder (--apps)' },
        { path: opts.platform, what: 'the platform file (--platform)' },
      ],
    });
  }
  if (opts.out.trim() === '') throw new UsageError('--out is empty (an unset shell variable?); name the folder to compare, e.g. --out dist');
  const outDir = resolve(opts.out);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`--out ${opts.out}: is a file, not a folder; name the folder synth writes, such as dist`);
  return outDir;
}

export function runSynth(opts: SynthOptions, out: (s: string) => void, err: (s: string) => void, progress: Progress): number {
  const started = Date.now();
  const outDir = checkSynthPaths(opts);
  // Files stream to disk (or are compared with it) as they are built: memory stays flat.
  let sink: StagedWriter | CheckSink | undefined;
  let inPlace: InPlaceWriter | undefined;
  let stats: BuildStats | undefined;
  const cacheOpts = opts.check || opts.cacheDir === undefined ? undefined : incrementalOptions(opts.cacheDir, outDir, opts.platform);
  // A run that can reuse its cache (one, and the output folder it describes) takes the pair
  // folders' states while the specs are read, on a worker thread (or on the one the launcher
  // started before the bundle loaded, which any other run ends). Any other run starts its
  // synthesis worker threads (many specs only), which load their modules while the specs are read.
  const reusable = cacheOpts !== undefined && existsSync(cacheOpts.cacheFile) && existsSync(outDir);
  const digests = reusable ? FolderDigests.start(cacheOpts.cacheFile, outDir, opts.prestartHint) : undefined;
  if (digests === undefined) FolderDigests.discard();
  const workers = reusable ? undefined : prestartWorkers(resolve(opts.apps), opts.build);
  const onLockWait = (pid: number) => err(`waiting for another synth (pid ${pid}) to finish writing ${opts.out}\n`);
  let cache: IncrementalCache | undefined;
  try {
    progress.update(`reading specs from ${opts.apps}/`);
    const specCache = cacheOpts === undefined ? undefined : new SpecCache(cacheOpts.cacheFile.replace(/\.v8$/, '.specs.v8'), cacheOpts.codeHash);
    const specs = loadSpecs(resolve(opts.apps), resolve(opts.platform), specCache?.loader());
    specCache?.save();
    const pairs = pairCount(specs);
    if (cacheOpts !== undefined) {
      // The cache is read under the output folder's lock: it describes the folder as its last writer left it.
      inPlace = InPlaceWriter.open(outDir, { onLockWait });
      // Without the output folder there is nothing to reuse: a full synth writes it whole.
      cache = reusable ? IncrementalCache.read(cacheOpts, specs, digests, specCache?.keys) : undefined;
      if (cache !== undefined && cache.staleCount <= cacheOpts.maxRebuilt) {
        progress.update(`synthesizing what changed since the last run`);
        const target = inPlace;
        stats = buildInto(specs, opts.platform, target, new CachedPairBuilder(cache, (n) => pairBuilderForCount(n, opts.build, workers)), cache.folders);
        const written = cache;
        const diff = target.commit(cacheOpts.cacheFile, cache.intactFolders(), () => written.save());
        inPlace = undefined;
        progress.done();
        return reportIncremental(opts, { diff, files: target.size, pairs, rebuilt: cache.rebuilt.size, stats }, started, out, err);
      }
      // No usable cache, or too much changed: a full synth, which records a new cache.
      inPlace.abort();
      inPlace = undefined;
      cache = IncrementalCache.full(cacheOpts, specs, specCache?.keys);
    }
    sink = opts.check ? new CheckSink(outDir) : new StagedWriter(outDir, { onLockWait });
    const target = sink;
    const tracked = {
      get size() {
        return target.size;
      },
      has: (path: string) => target.has(path),
      set: (path: string, content: string) => {
        target.set(path, content);
        if (target.size % PROGRESS_EVERY === 0) progress.update(`synthesizing ${pairs} system-environments: ${target.size} files`);
      },
    };
    stats =
      cache === undefined
        ? buildInto(specs, opts.platform, tracked, pairBuilderFor(specs, opts.build, workers))
        : buildInto(specs, opts.platform, tracked, new CachedPairBuilder(cache, (n) => pairBuilderForCount(n, opts.build, workers)), cache.folders);
  } catch (e) {
    if (sink instanceof StagedWriter) sink.abort();
    inPlace?.abort();
    if (e instanceof OutputLockError) {
      err(`error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof SpecErrors) {
      err(`${e.message}\n\nsynth failed with ${e.errors.length} error${e.errors.length === 1 ? '' : 's'}; nothing was written.\n`);
      return 1;
    }
    throw e;
  } finally {
    workers?.close();
    digests?.close();
    progress.done();
  }
  if (sink instanceof CheckSink) {
    const diff = sink.diff();
    if (isEmptyDiff(diff)) {
      if (!opts.quiet) out(`${opts.out} is up to date (${sink.size} files)${threads(stats)}\n`);
      return 0;
    }
    const lines = [
      ...diff.added.map((p) => `  added:   ${p}`),
      ...diff.changed.map((p) => `  changed: ${p}`),
      ...diff.removed.map((p) => `  removed: ${p}`),
    ];
    err(`${opts.out} is stale: ${lines.length} file${lines.length === 1 ? '' : 's'} differ from what synth produces:\n${lines.join('\n')}\nRun npm run synth and commit the result.\n`);
    return 1;
  }
  let diff: TreeDiff;
  try {
    const written = cache;
    diff = sink.commit(written === undefined ? undefined : () => written.save());
  } catch (e) {
    if (!(e instanceof OutputLockError)) throw e;
    err(`error: ${e.message}\n`);
    return 1;
  }
  for (const w of orphanedVolumeWarnings(diff)) err(`${w}\n`);
  if (!opts.quiet) {
    out(
      `synthesized ${sink.size} files into ${opts.out} in ${Date.now() - started} ms: ` +
        `${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed${threads(stats)}\n`,
    );
  }
  return 0;
}
