/** Test support: the state of a folder down to each file's bytes, inode and mtime. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type DirSnapshot = Map<string, { bytes: Buffer; ino: number; mtimeMs: number }>;

/** Every file under a folder with its bytes, inode and mtime. */
export function snapshotDir(root: string): DirSnapshot {
  const out: DirSnapshot = new Map();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out.set(relative(root, p), { bytes: readFileSync(p), ino: s.ino, mtimeMs: s.mtimeMs });
      }
    }
  };
  walk(root);
  return out;
}
