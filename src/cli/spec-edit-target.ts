/**
 * What the commands that edit one system's spec and then write dist/ again (set-image,
 * promote) settle before they touch anything: the specs folder exists, --out is a folder synth
 * may replace (they replace it whole, as synth does), and the spec file of --app.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { displayPath, specFiles } from '../spec/load';
import type { CommandIO } from './command';
import { guardInputDir, guardOutputDir } from './output-guard';

export interface SpecEditOptions {
  /** The system whose spec is edited (its file is <apps>/<app>.yaml or .yml). */
  readonly app: string;
  readonly apps: string;
  readonly out: string;
  readonly platform: string;
}

export interface SpecEditTarget {
  readonly appsDir: string;
  readonly outDir: string;
  /** The spec file of the system. */
  readonly file: string;
}

/**
 * The folders and spec file of an edit; undefined (with the error said on io) when --app names
 * no spec. Refuses an unsafe --apps or --out as synth does (UsageError, exit 2).
 */
export function specEditTarget(opts: SpecEditOptions, io: CommandIO): SpecEditTarget | undefined {
  const appsDir = guardInputDir(opts.apps, '--apps', { mustExist: true });
  const outDir = guardOutputDir(opts.out, {
    protect: [
      { path: opts.apps, what: 'the specs folder (--apps)' },
      { path: opts.platform, what: 'the platform file (--platform)' },
    ],
  });
  const file = [join(appsDir, `${opts.app}.yaml`), join(appsDir, `${opts.app}.yml`)].find((f) => existsSync(f)) ?? join(appsDir, `${opts.app}.yaml`);
  if (!existsSync(file)) {
    const known = specFiles(appsDir).map((f) => basename(f).replace(/\.ya?ml$/, ''));
    io.err(`error: --app ${opts.app}: there is no ${displayPath(file)}; known systems: ${known.join(', ') || '(none)'}\n`);
    return undefined;
  }
  return { appsDir, outDir, file };
}
