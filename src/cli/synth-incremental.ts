/**
 * How `npm run synth` uses the incremental cache (src/synth/incremental.ts): where the cache
 * lives, which code it belongs to, and what the command prints after an incremental run.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { codeFingerprint } from '../synth/code-fingerprint';
import { IncrementalOptions, IncrementalResult } from '../synth/incremental';
import { PARALLEL_MIN_PAIRS } from '../synth/parallel';
import { orphanedVolumeWarnings, SynthOptions } from './synth-command';

/**
 * The cache of one output folder: <cacheDir>/<hash of the folder's path>.v8. The code is this
 * module's own file when run from the bundle npm run synth builds (every module is inside
 * it), else the sources of the repository.
 */
export function incrementalOptions(cacheDir: string, outDir: string, platformFile: string): IncrementalOptions {
  const name = createHash('sha256').update(outDir).digest('hex').slice(0, 16);
  return {
    cacheFile: resolve(cacheDir, `${name}.v8`),
    outDir,
    codeHash: codeFingerprint(__filename, resolve(__dirname, '..', '..')),
    platformFile,
    maxRebuilt: PARALLEL_MIN_PAIRS,
  };
}

/** Prints what an incremental run did, as runSynth does for a full one; returns the exit code. */
export function reportIncremental(opts: SynthOptions, r: IncrementalResult, started: number, out: (s: string) => void, err: (s: string) => void): number {
  for (const w of orphanedVolumeWarnings(r.diff)) err(`${w}\n`);
  if (!opts.quiet) {
    out(
      `synthesized ${r.files} files into ${opts.out} in ${Date.now() - started} ms: ` +
        `${r.diff.added.length} added, ${r.diff.changed.length} changed, ${r.diff.removed.length} removed; ` +
        `${r.rebuilt} of ${r.pairs} system-environments rebuilt, the others unchanged since the last run (--full rebuilds all)\n`,
    );
  }
  return 0;
}
