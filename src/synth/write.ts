/**
 * Writes dist/ so that a failed or killed synth never leaves it half-written, and touches
 * only files whose content changed:
 * 1. each file is staged in a sibling folder as soon as it is built: unchanged files are hard
 *    links to the current ones (same inode and mtime), changed files are written fresh, and
 *    only the paths stay in memory;
 * 2. dist/ is renamed aside and the staging folder renamed into its place;
 * 3. the old folder is removed.
 * A kill during 1 leaves dist/ as it was; a kill between the two renames of 2 leaves the old
 * tree aside, and the next run puts it back before anything else.
 * One writer at a time: the writer holds the folder's lock (src/synth/output-folder.ts) from
 * before it looks at dist/ until after the swap, and cleans up only what dead runs left.
 * Every tree it writes carries synth's marker file, which says the folder may be replaced.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tree, TreeSink } from './build';
import { isProcessAlive, OUTPUT_MARKER, OUTPUT_MARKER_TEXT, OutputLock, OutputLockError } from './output-folder';

export interface TreeDiff {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
}

/** Every file under a folder with its content, by relative POSIX path. */
export function readTree(root: string): Tree {
  const tree: Tree = new Map();
  for (const rel of listFiles(root)) tree.set(rel, readFileSync(join(root, rel), 'utf8'));
  return tree;
}

export function isEmptyDiff(d: TreeDiff): boolean {
  return d.added.length + d.changed.length + d.removed.length === 0;
}

function siblings(outDir: string, tag: 'staging' | 'old'): string[] {
  const parent = dirname(outDir);
  if (!existsSync(parent)) return [];
  const prefix = `.${basename(outDir)}.${tag}-`;
  return readdirSync(parent)
    .filter((n) => n.startsWith(prefix))
    .map((n) => join(parent, n));
}

/** The process that made a staging or aside folder (`.dist.staging-<pid>-<time>`). */
function creatorPid(dir: string): number {
  return Number(/\.(?:staging|old)-(\d+)-\d+$/.exec(dir)?.[1] ?? NaN);
}

/** Whether a run that may still be alive owns this folder: another process that is running. */
function ownedByLiveRun(dir: string): boolean {
  const pid = creatorPid(dir);
  return pid !== process.pid && isProcessAlive(pid);
}

/**
 * Puts back a dist/ that a killed run left renamed aside, and drops the staging and aside
 * folders of runs that are gone (never those of a live process: it may still be writing).
 */
export function recoverInterruptedWrite(outDir: string): void {
  const old = siblings(outDir, 'old').filter((d) => !ownedByLiveRun(d));
  if (!existsSync(outDir) && old.length > 0) renameSync(old.sort()[old.length - 1], outDir);
  for (const dir of [...siblings(outDir, 'old'), ...siblings(outDir, 'staging')]) {
    if (!ownedByLiveRun(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

export interface WriteHooks {
  /** Called after each staged file; tests use it to interrupt a write half-way. */
  readonly afterStagedFile?: (count: number) => void;
  /**
   * How long to wait for another writer of the same folder.
   * @default 600000 (see OutputLockProps.timeoutMs)
   */
  readonly lockTimeoutMs?: number;
  /**
   * Called once when another live writer holds the folder, with its pid.
   * @default - nothing is said
   */
  readonly onLockWait?: (pid: number) => void;
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A TreeSink that stages each file as it is built (a hard link when the current file has the
 * same content, else a new file) and keeps only paths, then swaps the staged tree in with
 * commit(), or removes it with abort(). Nothing in outDir changes before commit().
 */
export class StagedWriter implements TreeSink {
  private readonly staging: string;
  /** Files of outDir before the run: only these can be unchanged or removed. */
  private readonly existing: Set<string>;
  private readonly paths = new Set<string>();
  private readonly dirs = new Set<string>();
  private readonly added: string[] = [];
  private readonly changed: string[] = [];
  private readonly lock: OutputLock;

  constructor(
    private readonly outDir: string,
    private readonly hooks: WriteHooks = {},
  ) {
    this.lock = new OutputLock(outDir).acquire({ timeoutMs: hooks.lockTimeoutMs, onWait: hooks.onLockWait });
    try {
      recoverInterruptedWrite(outDir);
      if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new Error(`${outDir} exists and is not a folder`);
      this.existing = new Set(listFiles(outDir));
      this.staging = join(dirname(outDir), `.${basename(outDir)}.staging-${process.pid}-${Date.now()}`);
      mkdirSync(this.staging, { recursive: true });
    } catch (e) {
      this.lock.release();
      throw e;
    }
  }

  get size(): number {
    return this.paths.size;
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  set(path: string, content: string): this {
    if (this.paths.has(path)) throw new Error(`${path} was staged twice`);
    if (path === OUTPUT_MARKER) throw new Error(`${path} is synth's marker file; no generated file may take its name`);
    this.paths.add(path);
    // Tree paths are relative POSIX paths built by synth, so plain concatenation is a join.
    const target = `${this.staging}/${path}`;
    const dir = target.slice(0, target.lastIndexOf('/'));
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    const source = `${this.outDir}/${path}`;
    const current = this.existing.has(path) ? readIfFile(source) : undefined;
    if (current === content) linkSync(source, target);
    else {
      writeFileSync(target, content);
      (current === undefined ? this.added : this.changed).push(path);
    }
    this.hooks.afterStagedFile?.(this.paths.size);
    return this;
  }

  /**
   * Replaces outDir with the staged tree; touches nothing when nothing changed. `whileLocked`
   * runs once the new tree is in place, before the lock is released (the incremental synth
   * cache records the files as written there).
   */
  commit(whileLocked?: () => void): TreeDiff {
    const removed = [...this.existing].filter((p) => !this.paths.has(p));
    const diff = { added: this.added.sort(), changed: this.changed.sort(), removed: removed.sort() };
    try {
      if (!this.lock.stillHeld()) {
        throw new OutputLockError(`the lock on ${this.outDir} was taken over by another run while this one was writing; nothing was replaced, run synth again`);
      }
      if (isEmptyDiff(diff)) {
        // A folder from before the marker existed gets it without a swap.
        if (readIfFile(join(this.outDir, OUTPUT_MARKER)) !== OUTPUT_MARKER_TEXT && existsSync(this.outDir)) {
          writeFileSync(join(this.staging, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
          renameSync(join(this.staging, OUTPUT_MARKER), join(this.outDir, OUTPUT_MARKER));
        }
        whileLocked?.();
        return diff;
      }
      // The marker is kept like any unchanged file: same inode and mtime.
      if (readIfFile(join(this.outDir, OUTPUT_MARKER)) === OUTPUT_MARKER_TEXT) linkSync(join(this.outDir, OUTPUT_MARKER), join(this.staging, OUTPUT_MARKER));
      else writeFileSync(join(this.staging, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
      if (existsSync(this.outDir)) {
        const aside = this.staging.replace('.staging-', '.old-');
        renameSync(this.outDir, aside);
        renameSync(this.staging, this.outDir);
        rmSync(aside, { recursive: true, force: true });
      } else {
        renameSync(this.staging, this.outDir);
      }
      whileLocked?.();
      return diff;
    } finally {
      this.abort();
    }
  }

  /** Drops the staged tree (nothing when commit() moved it in) and releases the lock. */
  abort(): void {
    rmSync(this.staging, { recursive: true, force: true });
    this.lock.release();
  }
}

/** A TreeSink that compares each file with outDir as it is built and keeps only the paths. */
export class CheckSink implements TreeSink {
  private readonly paths = new Set<string>();
  private readonly added: string[] = [];
  private readonly changed: string[] = [];

  private readonly existing: Set<string>;

  constructor(private readonly outDir: string) {
    this.existing = new Set(listFiles(outDir));
  }

  get size(): number {
    return this.paths.size;
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  set(path: string, content: string): this {
    this.paths.add(path);
    const current = this.existing.has(path) ? readIfFile(join(this.outDir, path)) : undefined;
    if (current === undefined) this.added.push(path);
    else if (current !== content) this.changed.push(path);
    return this;
  }

  diff(): TreeDiff {
    const removed = [...this.existing].filter((p) => !this.paths.has(p));
    return { added: this.added.sort(), changed: this.changed.sort(), removed: removed.sort() };
  }
}

/** Relative POSIX paths of every file under a folder (none when it does not exist), but synth's marker. */
function* listFiles(root: string, prefix = ''): Generator<string> {
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (prefix === '' && entry.name === OUTPUT_MARKER) continue;
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) yield* listFiles(join(root, entry.name), rel);
    else if (entry.isFile()) yield rel;
  }
}

/** Replaces outDir with `next`; returns what changed (nothing is touched when nothing did). */
export function writeTree(outDir: string, next: Tree, hooks: WriteHooks = {}): TreeDiff {
  const writer = new StagedWriter(outDir, hooks);
  try {
    for (const path of [...next.keys()].sort()) writer.set(path, next.get(path)!);
  } catch (e) {
    writer.abort();
    throw e;
  }
  return writer.commit();
}
