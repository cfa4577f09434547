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
