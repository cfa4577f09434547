/**
 * Writes dist/ so that a failed or killed synth never leaves it half-written, and touches
 * only files whose content changed:
 * 1. the new tree is staged in a sibling folder: unchanged files are hard links to the
 *    current ones (same inode and mtime), changed files are written fresh;
 * 2. dist/ is renamed aside and the staging folder renamed into its place;
 * 3. the old folder is removed.
 * A kill during 1 leaves dist/ as it was; a kill between the two renames of 2 leaves the old
 * tree aside, and the next run puts it back before anything else.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tree } from './build';

export interface TreeDiff {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
}

/** Every file under a folder, as relative POSIX paths. */
export function readTree(root: string): Tree {
  const tree: Tree = new Map();
  if (!existsSync(root)) return tree;
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), rel);
      else if (entry.isFile()) tree.set(rel, readFileSync(join(dir, entry.name), 'utf8'));
    }
  };
  walk(root, '');
  return tree;
}

export function diffTrees(current: Tree, next: Tree): TreeDiff {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [path, content] of next) {
    const old = current.get(path);
    if (old === undefined) added.push(path);
    else if (old !== content) changed.push(path);
  }
  for (const path of current.keys()) if (!next.has(path)) removed.push(path);
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
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

/** Puts back a dist/ that a killed run left renamed aside, and drops abandoned staging folders. */
export function recoverInterruptedWrite(outDir: string): void {
  const old = siblings(outDir, 'old');
  if (!existsSync(outDir) && old.length > 0) renameSync(old.sort()[old.length - 1], outDir);
  for (const dir of [...siblings(outDir, 'old'), ...siblings(outDir, 'staging')]) rmSync(dir, { recursive: true, force: true });
}

export interface WriteHooks {
  /** Called after each staged file; tests use it to interrupt a write half-way. */
  readonly afterStagedFile?: (count: number) => void;
}

/** Replaces outDir with `next`; returns what changed (nothing is touched when nothing did). */
export function writeTree(outDir: string, next: Tree, hooks: WriteHooks = {}): TreeDiff {
  recoverInterruptedWrite(outDir);
  const current = readTree(outDir);
  const diff = diffTrees(current, next);
  if (isEmptyDiff(diff)) return diff;

  const suffix = `${process.pid}-${Date.now()}`;
  const staging = join(dirname(outDir), `.${basename(outDir)}.staging-${suffix}`);
  mkdirSync(staging, { recursive: true });
  let count = 0;
  for (const path of [...next.keys()].sort()) {
    const target = join(staging, path);
    mkdirSync(dirname(target), { recursive: true });
    const source = join(outDir, path);
    if (current.get(path) === next.get(path)) linkSync(source, target);
    else writeFileSync(target, next.get(path)!);
    hooks.afterStagedFile?.(++count);
  }
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) throw new Error(`${outDir} exists and is not a folder`);
    const aside = join(dirname(outDir), `.${basename(outDir)}.old-${suffix}`);
    renameSync(outDir, aside);
    renameSync(staging, outDir);
    rmSync(aside, { recursive: true, force: true });
  } else {
    renameSync(staging, outDir);
  }
  return diff;
}
