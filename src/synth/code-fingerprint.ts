/**
 * One hash for all the code that shapes synth's output, for the caches that must be thrown
 * away when it changes (the incremental synth cache, the tests' synthesized repository).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('base64');

/**
 * Hash of the code: the bundle npm run synth runs (every module it uses is inside), or, run
 * from TypeScript (tsx, jest), every source file of the repository and the lock file.
 */
export function codeFingerprint(entryFile: string, repoRoot: string): string {
  if (entryFile.endsWith('.js')) return sha256(readFileSync(entryFile));
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    const abs = join(repoRoot, rel);
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (/\.(ts|js|json)$/.test(e.name)) hash.update(`${child}\0`).update(readFileSync(join(repoRoot, child))).update('\0');
    }
  };
  for (const dir of ['src', 'charts', 'argocd', 'imports']) walk(dir);
  for (const file of ['main.ts', 'package-lock.json']) {
    try {
      hash.update(`${file}\0`).update(readFileSync(join(repoRoot, file)));
    } catch {
      hash.update(`${file}\0missing`);
    }
  }
  return hash.digest('base64');
}
