/**
 * `npm run synth [-- --check] [--apps DIR] [--out DIR] [--platform FILE]`
 * Exit codes: 0 success; 1 invalid spec or policy violation (nothing written); 2 usage error.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpecErrors } from '../spec/errors';
import { parseCommandArgs } from './command';
import { createProgress, Progress } from './progress';
import { loadSpecs } from '../spec/load';
import { BuildStats, buildAutoInto, pairCount, prestartWorkers } from '../synth/parallel';
import { CacheRecorder, dropCache, synthIncremental } from '../synth/incremental';
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
  /**
   * Folder of the incremental cache: only the system-environments whose inputs changed since
   * the last run are rebuilt (src/synth/incremental.ts). The command line uses
   * .cache/incremental/ under the working directory unless --full is given.
   * @default - no cache: every pair is built
   */
  readonly cacheDir?: string;
}

export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SynthOptions {
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
    cacheDir: (values.full ?? false) || env.CDK8S_OUTDIR !== undefined ? undefined : resolve('.cache', 'incremental'),
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

export function runSynth(opts: SynthOptions, out: (s: string) => void, err: (s: string) => void, progress: Progress = createProgress()): number {
  const started = Date.now();
  const outDir = resolve(opts.out);
  // Files stream to disk (or are compared with it) as they are built: memory stays flat.
  let sink: StagedWriter | CheckSink | undefined;
  let stats: BuildStats | undefined;
  const cache = opts.check || opts.cacheDir === undefined ? undefined : incrementalOptions(opts.cacheDir, outDir, opts.platform);
  // Worker threads (many specs only) load their modules while the specs are read; a run that
  // can reuse its cache (one, and the output folder it describes) will most likely not need them.
  const reusable = cache !== undefined && existsSync(cache.cacheFile) && existsSync(outDir);
  const workers = reusable ? undefined : prestartWorkers(resolve(opts.apps));
  let recorder: CacheRecorder | undefined;
  try {
    progress.update(`reading specs from ${opts.apps}/`);
    const specCache = cache === undefined ? undefined : new SpecCache(cache.cacheFile.replace(/\.v8$/, '.specs.v8'), cache.codeHash);
    const specs = loadSpecs(resolve(opts.apps), resolve(opts.platform), specCache?.loader());
    specCache?.save();
    if (cache !== undefined) {
      progress.update(`synthesizing what changed since the last run`);
      const result = synthIncremental(specs, cache);
      if (result !== undefined) {
        progress.done();
        return reportIncremental(opts, result, started, out, err);
      }
      dropCache(cache.cacheFile);
      recorder = new CacheRecorder(cache);
      recorder.start(specs);
    }
    sink = opts.check ? new CheckSink(outDir) : new StagedWriter(outDir);
    const target = sink;
    const pairs = pairCount(specs);
    stats = buildAutoInto(specs, opts.platform, {
      get size() {
        return target.size;
      },
      has: (path) => target.has(path),
      set: (path, content) => {
        target.set(path, content);
        if (target.size % PROGRESS_EVERY === 0) progress.update(`synthesizing ${pairs} system-environments: ${target.size} files`);
      },
    }, workers, recorder?.observe);
  } catch (e) {
    if (sink instanceof StagedWriter) sink.abort();
    if (e instanceof SpecErrors) {
      err(`${e.message}\n\nsynth failed with ${e.errors.length} error${e.errors.length === 1 ? '' : 's'}; nothing was written.\n`);
      return 1;
    }
    throw e;
  } finally {
    workers?.close();
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
  const diff = sink.commit();
  recorder?.save();
  for (const w of orphanedVolumeWarnings(diff)) err(`${w}\n`);
  if (!opts.quiet) {
    out(
      `synthesized ${sink.size} files into ${opts.out} in ${Date.now() - started} ms: ` +
        `${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed${threads(stats)}\n`,
    );
  }
  return 0;
}
