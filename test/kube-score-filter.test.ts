/** The kube-score gate (test/lint/kube-score.ts) fails on any finding that is not a documented exception. */
import { EXCEPTIONS, unexpectedFindings } from './lint/kube-score';

const object = (kind: string, namespace: string, name: string, checks: Array<[string, number, boolean?]>) => ({
  object_name: name,
  type_meta: { kind },
  object_meta: { name, namespace },
  checks: checks.map(([id, grade, skipped]) => ({ check: { id }, grade, skipped: skipped ?? false, comments: [{ summary: `${id} failed` }] })),
});

test('a critical or warning finding outside the exceptions is reported', () => {
  const report = [object('Deployment', 'shop-production', 'shop-api', [['container-resources', 1], ['deployment-has-poddisruptionbudget', 5], ['stable-version', 10]])];
  expect(unexpectedFindings(report)).toEqual([
    { object: 'Deployment/shop-production/shop-api', check: 'container-resources', grade: 1, comments: ['container-resources failed'] },
    { object: 'Deployment/shop-production/shop-api', check: 'deployment-has-poddisruptionbudget', grade: 5, comments: ['deployment-has-poddisruptionbudget failed'] },
  ]);
});

test('documented exceptions and skipped checks are not findings', () => {
  const report = [object('Deployment', 'shop-production', 'shop-api', [['container-image-pull-policy', 1], ['pod-probes-identical', 1], ['container-resources', 1, true]])];
  expect(unexpectedFindings(report)).toEqual([]);
});

test('an exception limited to some objects does not excuse the others', () => {
  const report = [
    object('Deployment', 'memo-ai-coach-production', 'memo-ai-coach-backend', [['container-security-context-user-group-id', 1]]),
    object('Deployment', 'shop-production', 'shop-api', [['container-security-context-user-group-id', 1]]),
  ];
  expect(unexpectedFindings(report).map((f) => f.object)).toEqual(['Deployment/shop-production/shop-api']);
});

test('every exception says why', () => {
  for (const e of EXCEPTIONS) expect(e.reason.length).toBeGreaterThan(40);
});

test('only the HTTP-01 solver policies may target no pod of dist/', () => {
  const report = [
    object('NetworkPolicy', 'shop-production', 'shop-acme-http01-solver', [['networkpolicy-targets-pod', 1]]),
    object('NetworkPolicy', 'shop-production', 'shop-api', [['networkpolicy-targets-pod', 1]]),
  ];
  expect(unexpectedFindings(report).map((f) => f.object)).toEqual(['NetworkPolicy/shop-production/shop-api']);
});
