/**
 * kube-score (built by test/lint/build.sh) over the manifests of the folders a change touches,
 * judged with the documented exceptions of `npm run lint:k8s` (test/lint/kube-score.ts, the
 * one list of them). When the binary is absent the review says so instead of failing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EXCEPTIONS, Finding, unexpectedFindings } from '../../test/lint/kube-score';
import type { Tree } from '../synth/build';

export type KubeScoreResult =
  | { readonly status: 'absent'; readonly binary: string }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'ran'; readonly objects: number; readonly files: number; readonly findings: readonly Finding[]; readonly exceptions: number };

/**
 * Scores the manifests of `tree` under the given folders (`<env>/<system>`); nothing to score
 * gives a run over 0 objects.
 */
export function scoreFolders(binary: string, tree: Tree, folders: readonly string[]): KubeScoreResult {
  const paths = [...tree.keys()].filter((p) => p.endsWith('.yaml') && folders.some((f) => p.startsWith(`${f}/`))).sort();
  if (paths.length === 0) return { status: 'ran', objects: 0, files: 0, findings: [], exceptions: EXCEPTIONS.length };
  if (!existsSync(binary)) return { status: 'absent', binary };
  const dir = mkdtempSync(join(tmpdir(), 'review-kube-score-'));
  try {
    const files = paths.map((p) => {
      const file = join(dir, p);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, tree.get(p)!);
      return file;
    });
    const run = spawnSync(binary, ['score', '--output-format', 'json', ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.error !== undefined || (run.stdout ?? '').trim() === '') {
      return { status: 'failed', message: `kube-score printed nothing (exit ${run.status}): ${(run.stderr ?? String(run.error)).trim().split('\n')[0]}` };
    }
    const report = JSON.parse(run.stdout) as Parameters<typeof unexpectedFindings>[0];
    return { status: 'ran', objects: report.length, files: files.length, findings: unexpectedFindings(report), exceptions: EXCEPTIONS.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
