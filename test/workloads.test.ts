/**
 * The workload features on one spec that uses them all (test/fixtures/workloads-spec/shop.yaml):
 * autoscaling beyond CPU, KEDA queue scaling, init containers and native sidecars, per-key
 * secrets and secret files, config hashes, placement, a private registry, user CronJobs and
 * one-off Jobs. Targeted assertions say what must hold; the snapshot shows everything else.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { templateHash } from '../charts/user-jobs';
import { PRIORITY_CLASS } from '../src/model/names';
import { loadSystem } from '../src/spec/load';
import type { PlatformSpec } from '../src/spec/platform.generated';
import { find, Obj, podTemplate, ROOT, synthesizeRepo } from './support/manifests';

const FIXTURE = join(__dirname, 'fixtures', 'workloads-spec');
const { folders } = synthesizeRepo(FIXTURE);
const shop = folders.get('staging/shop')!;
const apiPod = find(shop, 'Deployment', 'shop-api').spec.template;
const workerPod = find(shop, 'Deployment', 'shop-worker').spec.template;
const SECRET = 'shop-secrets';

function containerNamed(pod: Obj, name: string): Obj {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c: Obj) => c.name === name);
}

test('the shop fixture matches its snapshot', () => {
  expect(shop).toMatchSnapshot();
});

describe('autoscaling beyond CPU', () => {
  test('the HPA scales on CPU, memory, a prometheus-adapter pods metric and an external metric, with behavior', () => {
    const hpa = find(shop, 'HorizontalPodAutoscaler', 'shop-api');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '50' } } },
      { type: 'External', external: { metric: { name: 'sqs_queue_depth', selector: { matchLabels: { queue: 'orders' } } }, target: { type: 'Value', value: '30' } } },
    ]);
    expect(hpa.spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] } });
  });

  test('a KEDA worker gets a ScaledObject on its Redis list and CPU, and no HPA of ours', () => {
    const scaled = find(shop, 'ScaledObject', 'shop-worker');
    expect(scaled.spec.triggers).toEqual([
      {
        type: 'redis',
        metadata: { address: 'shop-redis.shop-staging.svc:6379', databaseIndex: '1', listLength: '100', listName: 'celery' },
        authenticationRef: { name: 'shop-worker-queue' },
      },
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '75' } },
    ]);
    expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount]).toEqual([1, 20]);
    expect(shop.filter((o: Obj) => o.kind === 'HorizontalPodAutoscaler').map((o: Obj) => o.spec.scaleTargetRef.name)).toEqual(['shop-api']);
    expect(find(shop, 'TriggerAuthentication', 'shop-worker-queue').spec.secretTargetRef).toEqual([{ parameter: 'password', name: SECRET, key: 'REDIS_PASSWORD' }]);
  });

  test('the KEDA-scaled Deployment leaves replicas to KEDA, and Argo CD ignores them', () => {
    expect('replicas' in find(shop, 'Deployment', 'shop-worker').spec).toBe(false);
    const app = find(folders.get('staging/apps')!, 'Application', 'shop-staging');
    expect(app.spec.ignoreDifferences.map((d: Obj) => d.name)).toEqual(['shop-api', 'shop-worker']);
  });

  test('the KEDA operator may reach the in-cluster Redis, on its port only', () => {
    const policy = find(shop, 'NetworkPolicy', 'shop-redis');
    const keda = policy.spec.ingress.find((r: Obj) => r.from[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'keda');
    expect(keda).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } }, podSelector: { matchLabels: { app: 'keda-operator' } } }],
      ports: [{ port: 6379, protocol: 'TCP' }],
    });
  });
});

describe('secrets reach only the containers that need them', () => {
  test('no container of the system reads a whole Secret by envFrom', () => {
    const envFrom = shop.flatMap((o: Obj) => podTemplate(o)?.spec.containers.flatMap((c: Obj) => c.envFrom ?? []) ?? []);
    expect(envFrom.filter((e: Obj) => e.secretRef !== undefined)).toEqual([]);
  });

  test('no container lists an env var twice (server-side apply refuses duplicate names)', () => {
    const containers = shop.flatMap((o: Obj) => podTemplate(o)?.spec.containers ?? []);
    const dupes = containers.flatMap((c: Obj) => (c.env ?? []).map((e: Obj) => `${c.name}/${e.name}`)).filter((k: string, i: number, all: string[]) => all.indexOf(k) !== i);
    expect(dupes).toEqual([]);
  });

  test('each container gets exactly the keys it lists', () => {
    const secretKeys = (c: Obj) => (c.env ?? []).filter((e: Obj) => e.valueFrom?.secretKeyRef?.name === SECRET).map((e: Obj) => e.name);
    expect(secretKeys(containerNamed(apiPod, 'api'))).toEqual(['SECRET_KEY', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']);
    expect(secretKeys(containerNamed(apiPod, 'wait-schema'))).toEqual(['POSTGRES_PASSWORD']);
    expect(secretKeys(containerNamed(apiPod, 'log-shipper'))).toEqual([]);
    // 'all' means every key of secrets.keys, each by name.
    // The connections' own POSTGRES_PASSWORD and REDIS_PASSWORD come last, once each.
    expect(secretKeys(containerNamed(workerPod, 'worker'))).toEqual(['SECRET_KEY', 'TLS_KEY', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']);
  });

  test('secret files are mounted read-only, only the listed keys, readable by owner and group', () => {
    expect(apiPod.spec.volumes.find((v: Obj) => v.name === 'secret-files')).toEqual({
      name: 'secret-files',
      secret: { secretName: SECRET, items: [{ key: 'TLS_KEY', path: 'TLS_KEY' }], defaultMode: 0o440 },
    });
    expect(containerNamed(apiPod, 'api').volumeMounts).toContainEqual({ name: 'secret-files', mountPath: '/run/secrets/shop', readOnly: true });
  });

  test('every pod pulls with the registry Secret, which External Secrets writes as a dockerconfigjson', () => {
    const pods = shop.map(podTemplate).filter((p: Obj) => p !== undefined && !p.metadata.labels['app.kubernetes.io/name'].match(/postgres|redis/));
    expect(pods.map((p: Obj) => p.spec.imagePullSecrets)).toEqual(pods.map(() => [{ name: 'registry-credentials' }]));
    const pull = find(shop, 'ExternalSecret', 'registry-credentials');
    expect(pull.spec.target.template.type).toBe('kubernetes.io/dockerconfigjson');
    expect(pull.spec.data).toEqual([{ secretKey: '.dockerconfigjson', remoteRef: { key: 'shop/staging/registry', property: 'dockerconfigjson' } }]);
  });
});

describe('config changes roll pods', () => {
  function apiAnnotations(edit: (doc: Obj) => void): Record<string, string> {
    const doc = load(readFileSync(join(FIXTURE, 'shop.yaml'), 'utf8')) as Obj;
    edit(doc);
    const dir = writeFixture(doc);
    return find(synthesizeRepo(dir).folders.get('staging/shop')!, 'Deployment', 'shop-api').spec.template.metadata.annotations;
  }

  test('the pod template carries a hash of each ConfigMap it reads', () => {
    expect(Object.keys(apiPod.metadata.annotations)).toEqual(['checksum/shop-config', 'checksum/shop-files']);
    expect(apiPod.metadata.annotations['checksum/shop-config']).toMatch(/^[a-f0-9]{64}$/);
    // The worker reads all config and mounts no files.
    expect(Object.keys(workerPod.metadata.annotations)).toEqual(['checksum/shop-config']);
  });

  test('a changed key the pod reads changes its hash; a key it does not read does not', () => {
    const before = apiPod.metadata.annotations;
    expect(apiAnnotations((d) => (d.config.APP_MODE = 'maintenance'))['checksum/shop-config']).not.toBe(before['checksum/shop-config']);
    expect(apiAnnotations((d) => (d.config.SMTP_HOST = 'smtp2.example.com'))).toEqual(before);
    expect(apiAnnotations((d) => (d.configFiles['app.toml'] = '[server]\nworkers = 8\n'))['checksum/shop-files']).not.toBe(before['checksum/shop-files']);
  });
});

describe('placement', () => {
  test('a critical API backend and the database get the platform PriorityClass; others do not', () => {
    expect(apiPod.spec.priorityClassName).toBe(PRIORITY_CLASS);
    expect(find(shop, 'StatefulSet', 'shop-postgres').spec.template.spec.priorityClassName).toBe(PRIORITY_CLASS);
    expect('priorityClassName' in workerPod.spec).toBe(false);
  });

  test('the platform owns the PriorityClass, and its AppProject whitelists the kind', () => {
    const pc = find(folders.get('staging/platform')!, 'PriorityClass', PRIORITY_CLASS);
    expect([pc.value, pc.globalDefault, pc.metadata.namespace]).toEqual([100000, false, undefined]);
    const project = find(folders.get('staging/apps')!, 'AppProject', 'staging-platform');
    expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: 'scheduling.k8s.io', kind: 'PriorityClass' });
  });

  test('pods of a workload with several replicas spread over zones, without blocking a single-zone cluster', () => {
    expect(apiPod.spec.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api', 'app.kubernetes.io/instance': 'shop-staging' } },
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
  });

  test('node selector and tolerations come from the spec', () => {
    expect(apiPod.spec.nodeSelector).toEqual({ 'node.example.com/pool': 'web' });
    expect(apiPod.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }]);
  });
});

describe('init containers and native sidecars', () => {
  test('sidecars come first with restartPolicy Always, init steps follow, all hardened like the main container', () => {
    const [sidecar, init] = apiPod.spec.initContainers;
    expect([sidecar.name, sidecar.restartPolicy, sidecar.image]).toEqual(['log-shipper', 'Always', 'registry.example.com/log-shipper:v3.1.0']);
    expect(sidecar.livenessProbe.exec.command).toEqual(['/bin/log-shipper', 'health']);
    expect([init.name, 'restartPolicy' in init, init.image]).toEqual(['wait-schema', false, containerNamed(apiPod, 'api').image]);
    for (const c of apiPod.spec.initContainers) {
      expect(c.securityContext).toEqual(containerNamed(apiPod, 'api').securityContext);
      expect(c.volumeMounts).toEqual(containerNamed(apiPod, 'api').volumeMounts);
    }
  });
});

describe('user jobs', () => {
  test('a job with a schedule is a CronJob that never overlaps itself', () => {
    const cron = find(shop, 'CronJob', 'shop-clear-sessions');
    expect([cron.spec.schedule, cron.spec.timeZone, cron.spec.concurrencyPolicy]).toEqual(['15 3 * * *', 'Europe/Warsaw', 'Forbid']);
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].command).toEqual(['python', '-m', 'shop.clear_sessions']);
  });

  test('a one-off Job is named after its template, keeps no TTL, and runs with its component image and secrets', () => {
    const job = shop.find((o: Obj) => o.kind === 'Job' && o.metadata.name.startsWith('shop-backfill-prices-'));
    expect(job.metadata.name).toBe(`shop-backfill-prices-${templateHash(job.spec)}`);
    expect('ttlSecondsAfterFinished' in job.spec).toBe(false);
    expect(job.spec.activeDeadlineSeconds).toBe(7200);
    expect(job.spec.template.spec.containers[0].image).toBe(containerNamed(apiPod, 'api').image);
  });

  test('a changed Job template gets a new name (a Job template is immutable); the same template keeps it', () => {
    const name = (command: string[]) => {
      const doc = load(readFileSync(join(FIXTURE, 'shop.yaml'), 'utf8')) as Obj;
      doc.jobs[1].command = command;
      const objs = synthesizeRepo(writeFixture(doc)).folders.get('staging/shop')!;
      return objs.find((o: Obj) => o.kind === 'Job').metadata.name;
    };
    const original = shop.find((o: Obj) => o.kind === 'Job').metadata.name;
    expect(name(['python', '-m', 'shop.backfill_prices'])).toBe(original);
    expect(name(['python', '-m', 'shop.backfill_prices', '--since', '2026-01-01'])).not.toBe(original);
  });

  test('a job gets the network access of its component and a policy of its own', () => {
    const policy = find(shop, 'NetworkPolicy', 'shop-backfill-prices');
    const ports = policy.spec.egress.flatMap((r: Obj) => r.ports.map((p: Obj) => `${p.protocol}/${p.port}`)).sort();
    expect(ports).toEqual(['TCP/53', 'TCP/5432', 'TCP/6379', 'UDP/53']);
  });
});

describe('images by digest', () => {
  const platform = load(readFileSync(join(ROOT, 'platform.yaml'), 'utf8')) as PlatformSpec;
  const strict: PlatformSpec = { ...platform, environments: { ...platform.environments, staging: { ...platform.environments.staging, requireImageDigests: true } } };

  test('an image with tag and digest passes as is', () => {
    expect(containerNamed(apiPod, 'api').image).toBe('registry.example.com/shop-api:v1.0.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
  });

  test('rejects an undigested image set by an environment override at the override, where the fix belongs', () => {
    const doc = load(readFileSync(join(FIXTURE, 'shop.yaml'), 'utf8')) as Obj;
    doc.components.api.sidecars[0].image = `registry.example.com/log-shipper:v3.1.0@sha256:${'b'.repeat(64)}`;
    doc.components.worker.image = `registry.example.com/shop-api:v1.0.0@sha256:${'b'.repeat(64)}`;
    doc.environments.staging = { components: { worker: { image: 'registry.example.com/shop-api:v1.1.0' } } };
    expect(() => loadSystem(join(writeFixture(doc), 'shop.yaml'), strict)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ path: 'environments.staging.components.worker.image', problem: expect.stringContaining('"registry.example.com/shop-api:v1.1.0" without a digest') })] }),
    );
  });

  test('rejects images without a digest in an environment that requires digests, naming each field', () => {
    expect(() => loadSystem(join(FIXTURE, 'shop.yaml'), strict)).toThrow(
      expect.objectContaining({
        errors: [
          expect.objectContaining({ path: 'components.api.sidecars[0].image', problem: expect.stringContaining('is "registry.example.com/log-shipper:v3.1.0" without a digest, but platform.yaml requires image digests in staging') }),
          expect.objectContaining({ path: 'components.worker.image', problem: expect.stringContaining('without a digest') }),
        ],
      }),
    );
  });
});

/** Writes a variant of the fixture spec to a fresh folder and returns it. */
function writeFixture(doc: Obj): string {
  const dir = mkdtempSync(join(tmpdir(), 'workloads-'));
  writeFileSync(join(dir, 'shop.yaml'), dump(doc));
  return dir;
}
