import { jobPodTemplate, podTemplate } from '../../charts/pod';
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

describe('a Job of the jobs model goes through podTemplate', () => {
  const step = (name: string) => ({ name, image: 'rclone/rclone:1.60.1', command: ['/bin/sh', '-c', 'true'], env: [], mounts: [{ name: 'backup', mountPath: '/backup' }] });
  const job = {
    kind: 'backup' as const,
    workload: 'backup-db',
    name: 'shop-backup-db',
    uid: 70,
    gid: 70,
    steps: [step('backup-db'), step('upload-db')],
    volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: 'shop-backup-db' } }],
    colocateWith: 'api',
  };
  const pod = jobPodTemplate(minimalContext(), job).spec!;

  test('its steps run in order: all but the last as init containers, each hardened like any container', () => {
    expect(pod.initContainers!.map((c) => c.name)).toEqual(['backup-db']);
    expect(pod.containers.map((c) => c.name)).toEqual(['upload-db']);
    for (const c of [...pod.initContainers!, ...pod.containers]) {
      expect(c.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 70, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.imagePullPolicy).toBe('IfNotPresent');
      expect(c.volumeMounts).toContainEqual({ name: 'scratch-tmp', mountPath: '/tmp' });
    }
  });

  test('it never restarts in place, runs on the node of the pod it colocates with, and mounts no token', () => {
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('shop-backup-db');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0].labelSelector?.matchLabels?.['app.kubernetes.io/name']).toBe('shop-api');
  });

  test('only a Job that calls the API (the SQLite restore) gets its token', () => {
    expect(jobPodTemplate(minimalContext(), job, { apiAccess: true }).spec?.automountServiceAccountToken).toBe(true);
  });
});
