/**
 * Runs the real kube-score (built by test/lint/build.sh) over every manifest of dist/ and fails
 * on any warning or critical finding that is not one of the deliberate exceptions below, each
 * with the reason a reviewer would accept. `npm run lint:k8s`; .ci/run runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const KUBE_SCORE = join(ROOT, '.cache', 'lint-bin', 'kube-score');

/** kube-score's grades: 1 critical, 5 warning, 7 almost OK, 10 OK. */
const FAILING_GRADES = new Set([1, 5]);

/** A deliberate exception: a check and, optionally, the objects it applies to. */
export interface Exception {
  readonly check: string;
  /** Matches `<Kind>/<namespace>/<name>`; every object when left out. */
  readonly objects?: RegExp;
  readonly reason: string;
}

export const EXCEPTIONS: readonly Exception[] = [
  {
    check: 'container-image-pull-policy',
    reason: 'images are pinned by tag or digest, so IfNotPresent is safe and avoids a registry round-trip on every start (issue: pull policy IfNotPresent)',
  },
  {
    check: 'pod-probes-identical',
    reason: 'where a seed offers one health endpoint (/health, celery inspect ping) both probes use it; specs give a distinct readiness path where the app has one (/health/detailed, /api/v1/readiness)',
  },
  {
    check: 'deployment-replicas',
    objects: /^Deployment\//,
    reason: 'singletons (SQLite writers, Celery beat) run one pod by design, and dev runs one frontend; they still get a PDB that allows drains',
  },
  {
    check: 'deployment-strategy',
    objects: /^Deployment\//,
    reason: 'singletons use Recreate so two pods never run at once (SQLite single writer, one beat scheduler)',
  },
  {
    check: 'networkpolicy-targets-pod',
    objects: /^NetworkPolicy\/[a-z0-9-]+\/[a-z0-9-]+-acme-http01-solver$/,
    reason: "the policy selects cert-manager's ACME HTTP-01 solver pods, which cert-manager starts during a challenge and which are therefore never in dist/; without it the ingress controller cannot reach them under the namespace's default deny",
  },
  {
    check: 'networkpolicy-targets-pod',
    objects: /^NetworkPolicy\/[a-z0-9-]+\/[a-z0-9-]+-restore$/,
    reason: 'the policy selects the pods of the restore Job, which `npm run restore` creates only during a restore and which are therefore never in dist/; it is in dist/ so that a restore works under the namespace\'s default deny without the operator writing network policies',
  },
  {
    check: 'container-security-context-user-group-id',
    objects: /^(Deployment|CronJob)\/memo-ai-coach-[a-z]+\/memo-ai-coach-(backend|backup-db)$/,
    reason: "the Memo AI Coach image's files belong to uid 1000 (its Dockerfile), so its writer and the jobs that open its SQLite file run as that user",
  },
];

export interface Finding {
  readonly object: string;
  readonly check: string;
  readonly grade: number;
  readonly comments: string[];
}

interface KubeScoreObject {
  readonly object_name: string;
  readonly type_meta: { readonly kind: string };
  readonly object_meta: { readonly name: string; readonly namespace?: string };
  readonly checks: Array<{ check: { id: string }; grade: number; skipped: boolean; comments: Array<{ summary: string; path?: string }> | null }>;
}

/** Findings of kube-score's JSON output that no exception covers. */
export function unexpectedFindings(report: readonly KubeScoreObject[], exceptions: readonly Exception[] = EXCEPTIONS): Finding[] {
  const findings: Finding[] = [];
  for (const o of report) {
    const object = `${o.type_meta.kind}/${o.object_meta.namespace ?? ''}/${o.object_meta.name}`;
    for (const c of o.checks) {
      if (c.skipped || !FAILING_GRADES.has(c.grade)) continue;
      const excused = exceptions.some((e) => e.check === c.check.id && (e.objects === undefined || e.objects.test(object)));
      if (!excused) findings.push({ object, check: c.check.id, grade: c.grade, comments: (c.comments ?? []).map((x) => x.summary) });
    }
  }
  return findings;
}

function manifestFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return manifestFiles(path);
    return name.endsWith('.yaml') ? [path] : [];
  });
}

function main(): number {
  if (!existsSync(KUBE_SCORE)) {
    process.stderr.write(`kube-score is not built: run bash test/lint/build.sh\n`);
    return 1;
  }
  const files = manifestFiles(join(ROOT, 'dist')).sort();
  const run = spawnSync(KUBE_SCORE, ['score', '--output-format', 'json', ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.stdout.trim() === '') {
    process.stderr.write(`kube-score printed nothing (exit ${run.status}): ${run.stderr}\n`);
    return 1;
  }
  const report = JSON.parse(run.stdout) as KubeScoreObject[];
  const findings = unexpectedFindings(report);
  for (const f of findings) process.stderr.write(`${f.object}: ${f.check}: ${f.comments.join('; ')}\n`);
  process.stdout.write(
    `kube-score checked ${report.length} objects in ${files.length} files: ${findings.length} unexpected finding${findings.length === 1 ? '' : 's'}, ` +
      `${EXCEPTIONS.length} documented exceptions (test/lint/kube-score.ts)\n`,
  );
  return findings.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
