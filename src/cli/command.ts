/**
 * What the commands (synth, bootstrap, diff, set-image, new-app) share: how they talk to the terminal and
 * how an entry script in scripts/ runs one of them. Exit codes: 0 success; 1 a failure the
 * user must act on; 2 usage error (unknown flag, missing value), printed with the usage text.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { SpecErrors } from '../spec/errors';
import { createProgress, isInteractive, Progress } from './progress';

/** A command line the command cannot run: exit 2 with the usage text. */
export class UsageError extends Error {}

/** Where a command writes, and how. */
export interface CommandIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** ANSI colours on stdout: only on a terminal, and never with NO_COLOR or CI set. */
  readonly color: boolean;
  readonly progress: Progress;
}

/** Colours when stdout is a terminal and neither NO_COLOR (https://no-color.org) nor CI is set. */
export function wantsColor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return isInteractive(stream, env) && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

export function processIO(): CommandIO {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: wantsColor(process.stdout),
    progress: createProgress(process.stderr),
  };
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
    if (process.env.GITOPS_SYNTH_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    process.exitCode = 1;
  } finally {
    io.progress.done();
  }
}
