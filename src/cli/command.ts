/**
 * What the commands (synth, bootstrap, diff, set-image, new-app) share: how they talk to the terminal and
 * how an entry script in scripts/ runs one of them. Exit codes: 0 success; 1 a failure the
 * user must act on; 2 usage error (unknown flag, missing value), printed with the usage text.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { SpecErrors } from '../spec/errors';
import { createProgress, Environment, isInteractive, Progress } from './progress';
import type { BuildSettings } from '../synth/parallel';

/** A command line the command cannot run: exit 2 with the usage text. */
export class UsageError extends Error {}

/** Where a command writes, and how. */
export interface CommandIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** ANSI colours on stdout: only on a terminal, and never with NO_COLOR or CI set. */
  readonly color: boolean;
  readonly progress: Progress;
  /** The environment variables the entry script was started with. */
  readonly env: Environment;
}

/** Colours when stdout is a terminal and neither NO_COLOR (https://no-color.org) nor CI is set. */
export function wantsColor(stream: { readonly isTTY?: boolean }, env: Environment): boolean {
  return isInteractive(stream, env) && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/** The IO of a command run from an entry script: the one place commands get process.env from. */
export function processIO(): CommandIO {
  const env = process.env;
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: wantsColor(process.stdout, env),
    progress: createProgress(process.stderr, env),
    env,
  };
}

/**
 * How pairs are built, from the environment (for diagnosis): GITOPS_SYNTH_WORKERS=N forces N
 * worker threads (0: serial), GITOPS_SYNTH_MAIN_BUILDS=0 leaves every pair to the workers.
 */
export function buildSettingsFromEnv(env: Environment): BuildSettings {
  const forced = env.GITOPS_SYNTH_WORKERS;
  let workers: number | undefined;
  if (forced !== undefined && forced !== '') {
    workers = Number(forced);
    if (!Number.isInteger(workers) || workers < 0) throw new UsageError(`GITOPS_SYNTH_WORKERS is ${JSON.stringify(forced)}; set a whole number of worker threads (0 builds serially)`);
  }
  return { workers, mainThreadBuilds: env.GITOPS_SYNTH_MAIN_BUILDS !== '0' };
}

/** node:util parseArgs, strict, with its errors (unknown flag, missing value) as UsageError. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    const option = (/'([^']+)'/.exec(message)?.[1] ?? '').split(' ')[0];
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${option} needs a value`);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown argument ${JSON.stringify(option)}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${JSON.stringify(option)}`);
    throw new UsageError(message.split('\n')[0]);
  }
}

/** Prints spec errors the way synth does; returns exit code 1. */
export function reportSpecErrors(e: SpecErrors, io: CommandIO, what: string): number {
  io.progress.done();
  io.err(`${e.message}\n\n${what} failed with ${e.errors.length} error${e.errors.length === 1 ? '' : 's'}.\n`);
  return 1;
}

/** Runs a command from an entry script: --help prints the usage, a UsageError exits 2. */
export async function runCommand(usage: string, run: (argv: string[], io: CommandIO) => number | Promise<number>): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return;
  }
  const io = processIO();
  try {
    process.exitCode = await run(argv, io);
  } catch (e) {
    io.progress.done();
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    // No input may end in a stack trace: say what failed in one line; the stack is for bug reports.
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`error: ${message}\nUnless this names a file or folder you can fix (permissions, disk space), it is a bug in gitops-synth; run again with GITOPS_SYNTH_DEBUG=1 to see where it happened.\n`);
    if (io.env.GITOPS_SYNTH_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    process.exitCode = 1;
  } finally {
    io.progress.done();
  }
}
