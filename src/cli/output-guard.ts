/**
 * Which folders a command may replace. Synth (and every command that writes a tree: set-image,
 * and restore/seal/promote as they come) swaps its output folder whole, so a wrong `--out`
 * would delete a checkout, its specs or its sources. A folder may be replaced only when it is
 * absent, empty, or marked by synth as its own (src/synth/output-folder.ts); anything else is a
 * usage error (exit 2) that says why, before anything is read or written.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { parse, relative, resolve, sep } from 'node:path';
import { OUTPUT_MARKER } from '../synth/output-folder';
import { UsageError } from './command';

/** A path the output folder must never be, nor hold. */
export interface ProtectedPath {
  /** The path, absolute or relative to the working directory. */
  readonly path: string;
  /** What it is, as the message shows it: "the specs folder (--apps)". */
  readonly what: string;
}

export interface OutputGuardProps {
  /**
   * The option that named the folder, as the message shows it.
   * @default '--out'
   */
  readonly option?: string;
  /**
   * Paths the output must not be nor contain, besides the working directory, which is always
   * protected (replacing it would delete the checkout).
   * @default - none
   */
  readonly protect?: readonly ProtectedPath[];
  /**
   * The working directory.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/** Whether `inner` is `outer` or lies under it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !parse(rel).root);
}

/**
 * Checks that a command may replace the folder `out` names; returns its absolute path.
 * Throws a UsageError that says why not: an empty value, the filesystem root, a file or a
 * symbolic link, a folder holding the working directory or a protected path, a git checkout,
 * or a folder with files that synth did not write.
 */
export function guardOutputDir(out: string, props: OutputGuardProps = {}): string {
  const option = props.option ?? '--out';
  if (out.trim() === '') {
    throw new UsageError(`${option} is empty (an unset shell variable?); name the folder to write, e.g. ${option} dist`);
  }
  const cwd = props.cwd ?? process.cwd();
  const abs = resolve(cwd, out);
  const refuse = (why: string) => new UsageError(`${option} ${out}: ${why}; nothing was written`);
  if (parse(abs).root === abs) throw refuse('is the filesystem root; synth replaces its output folder whole, so name a folder of its own such as dist');
  const protect: ProtectedPath[] = [{ path: cwd, what: 'the working directory (your checkout)' }, ...(props.protect ?? [])];
  for (const p of protect) {
    const target = resolve(cwd, p.path);
    if (within(target, abs)) {
      throw refuse(`${target === abs ? 'is' : 'holds'} ${p.what}, which synth would delete when it replaces the folder; name a folder of its own such as dist`);
    }
  }
  let stat;
  try {
    stat = lstatSync(abs);
  } catch {
    return abs;
  }
  if (stat.isSymbolicLink()) throw refuse('is a symbolic link; name the folder it points to, or a new folder');
  if (!stat.isDirectory()) throw refuse('is a file, not a folder; name a folder for the manifests such as dist');
  const entries = readdirSync(abs);
  if (entries.includes('.git')) throw refuse('holds .git: it is a git checkout, which synth would delete; name a folder inside it such as dist');
  if (entries.length === 0 || entries.includes(OUTPUT_MARKER)) return abs;
  throw refuse(
    `holds files that synth did not write (there is no ${OUTPUT_MARKER} file in it), and synth replaces the whole folder; ` +
      `name a new or empty folder, or move those files away`,
  );
}

/**
 * Checks a folder a command reads from or adds single files to (--apps): it must not be empty
 * as a value, and must be a folder when it exists. Returns its absolute path.
 */
export function guardInputDir(dir: string, option: string, props: { readonly mustExist: boolean; readonly cwd?: string }): string {
  if (dir.trim() === '') throw new UsageError(`${option} is empty (an unset shell variable?); name a folder, e.g. ${option} apps`);
  const abs = resolve(props.cwd ?? process.cwd(), dir);
  if (!existsSync(abs)) {
    if (props.mustExist) throw new UsageError(`${option} ${dir}: the folder does not exist`);
    return abs;
  }
  // statSync follows a symbolic link: a link to a folder is a folder here (nothing is replaced).
  if (!statSync(abs).isDirectory()) throw new UsageError(`${option} ${dir}: is a file, not a folder`);
  return abs;
}
