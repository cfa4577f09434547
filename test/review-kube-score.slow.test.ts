/**
 * The review's kube-score row runs the real kube-score (built by test/lint/build.sh from its
 * Go module, once; .ci/run builds it too) over the folders a change touches, with the
 * documented exceptions of npm run lint:k8s.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { scoreFolders } from '../src/review/kube-score';
import type { Tree } from '../src/synth/build';
import { readTree } from '../src/synth/write';
import { EXCEPTIONS } from './lint/kube-score';

const ROOT = join(__dirname, '..');
const KUBE_SCORE = join(ROOT, '.cache', 'lint-bin', 'kube-score');
/** The kinds kube-score scores; it reports nothing for the others (ConfigMap, PVC, ExternalSecret, ...). */
const SCORED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Pod', 'Service', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']);

beforeAll(() => {
  execFileSync('bash', [join(ROOT, 'test', 'lint', 'build.sh')], { stdio: 'inherit' });
}, 30 * 60_000);

test('the committed dist/ of one system scores with no finding beyond the documented exceptions', () => {
  const tree = readTree(join(ROOT, 'dist'));
  const result = scoreFolders(KUBE_SCORE, tree, ['production/magnetiq']);
  const manifests = [...tree.keys()].filter((p) => p.startsWith('production/magnetiq/') && p.endsWith('.yaml'));
  const scored = manifests.filter((p) => SCORED_KINDS.has(/^kind: (\S+)$/m.exec(tree.get(p)!)?.[1] ?? '')).length;
  expect(result).toEqual({ status: 'ran', objects: scored, files: manifests.length, findings: [], exceptions: EXCEPTIONS.length });
});

test('fails a Deployment whose container sets no resources', () => {
  const path = 'production/magnetiq/deployment-magnetiq-backend.yaml';
  const tree: Tree = readTree(join(ROOT, 'dist'));
  const text = tree.get(path)!;
  const stripped = text.replace(/\n {10}resources:\n( {12}.*\n)+/, '\n');
  expect(stripped).not.toBe(text);
  const broken: Tree = new Map([[path, stripped]]);
  const result = scoreFolders(KUBE_SCORE, broken, ['production/magnetiq']);
  expect(result.status).toBe('ran');
  const checks = result.status === 'ran' ? result.findings.map((f) => `${f.object} ${f.check}`) : [];
  expect(checks).toContain('Deployment/magnetiq-production/magnetiq-backend container-resources');
});

test('says kube-score was not run when the binary is absent', () => {
  expect(scoreFolders('/nonexistent/kube-score', readTree(join(ROOT, 'dist')), ['production/magnetiq'])).toEqual({ status: 'absent', binary: '/nonexistent/kube-score' });
});
