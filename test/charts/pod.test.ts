import { podTemplate } from '../../charts/pod';
import { minimalContext } from './context';

const template = podTemplate(minimalContext(), {
  workload: 'api',
  identity: { runAsUser: 10001, runAsGroup: 10002 },
  containers: [{ name: 'main', image: 'registry.example.com/shop-api:v1.0.0' }],
});

test('every pod runs as its own ServiceAccount without a token or service links', () => {
  expect(template.spec?.serviceAccountName).toBe('shop-api');
  expect(template.spec?.automountServiceAccountToken).toBe(false);
  expect(template.spec?.enableServiceLinks).toBe(false);
});

test('every pod and container gets the restricted security context of the identity', () => {
  expect(template.spec?.securityContext).toEqual({
    runAsNonRoot: true,
    runAsUser: 10001,
    runAsGroup: 10002,
    fsGroup: 10002,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(template.spec?.containers[0].securityContext).toEqual({
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 10001,
    runAsGroup: 10002,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });
});

test('a container that names no pull policy pulls IfNotPresent', () => {
  expect(template.spec?.containers[0].imagePullPolicy).toBe('IfNotPresent');
});

test('the pod carries the workload labels its Service, PDB and NetworkPolicy select', () => {
  expect(template.metadata?.labels).toEqual({
    'app.kubernetes.io/part-of': 'shop',
    'app.kubernetes.io/managed-by': 'gitops-synth',
    'app.kubernetes.io/instance': 'shop-dev',
    'app.kubernetes.io/name': 'shop-api',
    'app.kubernetes.io/component': 'api',
    environment: 'dev',
  });
});

describe('workload pieces podTemplate applies (charts/placement.ts, pod-secrets.ts, config-hash.ts, extra-containers.ts)', () => {
  const withPullSecret = minimalContext({ imagePullSecret: { mode: 'bootstrap' } } as never);
  const full = podTemplate(withPullSecret, {
    workload: 'api',
    identity: { runAsUser: 10001, runAsGroup: 10002 },
    annotations: { 'checksum/shop-config': 'abc' },
    placement: { priorityClassName: 'gitops-synth-critical', nodeSelector: { pool: 'web' } },
    systemImages: true,
    initContainers: [{ name: 'wait', image: 'registry.example.com/shop-api:v1.0.0' }],
    containers: [{ name: 'main', image: 'registry.example.com/shop-api:v1.0.0' }],
  });

  test('init containers and sidecars are hardened like the main containers', () => {
    expect(full.spec?.initContainers?.[0].imagePullPolicy).toBe('IfNotPresent');
    expect(full.spec?.initContainers?.[0].securityContext).toEqual(full.spec?.containers[0].securityContext);
  });

  test('annotations, placement and the registry pull secret land on the pod', () => {
    expect(full.metadata?.annotations).toEqual({ 'checksum/shop-config': 'abc' });
    expect(full.spec?.priorityClassName).toBe('gitops-synth-critical');
    expect(full.spec?.nodeSelector).toEqual({ pool: 'web' });
    expect(full.spec?.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
  });

  test('pods of public images (database, cache) and pods without extras leave those fields out', () => {
    const db = podTemplate(withPullSecret, { workload: 'postgres', identity: { runAsUser: 999, runAsGroup: 999 }, containers: [{ name: 'postgres', image: 'postgres:16.4' }] });
    expect(db.spec?.imagePullSecrets).toBeUndefined();
    expect(template.spec?.initContainers).toBeUndefined();
    expect(template.metadata?.annotations).toBeUndefined();
  });
});
