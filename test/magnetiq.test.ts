/** The reference system, Magnetiq v2 on Kubernetes (seed 002), in every environment. */
import { join } from 'node:path';
import { loadSystem } from '../src/spec/load';
import { SpecErrors } from '../src/spec/errors';
import { loadPlatform } from '../src/spec/load';
import { find, Obj, ROOT, synthesizeRepo } from './support/manifests';

const { folders } = synthesizeRepo();
const ENVS = ['dev', 'staging', 'production'];

describe.each(ENVS)('magnetiq in %s', (env) => {
  const objs = folders.get(`${env}/magnetiq`)!;
  const ns = `magnetiq-${env}`;

  test('has every resource of the foundation done-list', () => {
    const kinds = new Set(objs.map((o: Obj) => o.kind));
    for (const kind of ['Namespace', 'ConfigMap', 'ServiceAccount', 'PersistentVolumeClaim', 'Deployment', 'Service', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'CronJob', 'ExternalSecret']) {
      expect(kinds).toContain(kind);
    }
    const pvcs = objs.filter((o: Obj) => o.kind === 'PersistentVolumeClaim').map((o: Obj) => o.metadata.name).sort();
    expect(pvcs).toEqual(['magnetiq-backup-db', 'magnetiq-data', 'magnetiq-media']);
    const platform = folders.get(`${env}/platform`)!.map((o: Obj) => o.kind).sort();
    expect(platform).toEqual(['BackupTarget', 'ClusterIssuer', 'ExternalSecret', 'PriorityClass', 'RecurringJob', 'StorageClass']);
    expect(folders.get(`${env}/apps`)!.map((o: Obj) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([`Application/magnetiq-${env}`, `AppProject/${env}-systems`]),
    );
    expect(folders.get(`${env}/bootstrap`)!.map((o: Obj) => `${o.kind}/${o.metadata.name}`)).toContain(`Application/root-${env}`);
  });

  test('the namespace enforces the restricted Pod Security Standard', () => {
    const n = find(objs, 'Namespace', ns);
    expect(n.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(n.metadata.namespace).toBeUndefined();
  });

  test('the backend is the single SQLite writer: port 4036, /health probes, data and media mounts, 1 replica, Recreate', () => {
    const d = find(objs, 'Deployment', 'magnetiq-backend');
    const c = d.spec.template.spec.containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 4036, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet.path).toBe('/health');
    expect(c.readinessProbe.httpGet.path).toBe('/health');
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/app/data' }, { name: 'media', mountPath: '/app/media' }]));
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy.type).toBe('Recreate');
    // Settings by envFrom; secrets key by key, never the whole Secret.
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'magnetiq-config' } }]);
    expect(c.env.filter((e: Obj) => e.valueFrom?.secretKeyRef !== undefined).map((e: Obj) => e.name)).toEqual([
      'LINKEDIN_CLIENT_ID', 'LINKEDIN_CLIENT_SECRET', 'OPENAI_API_KEY', 'SCOOPP_API_KEY', 'SECRET_KEY', 'SMTP_PASSWORD', 'SMTP_USERNAME',
    ]);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  });

  test('the frontend serves port 9036 and reads only VITE_API_URL from the config', () => {
    const c = find(objs, 'Deployment', 'magnetiq-frontend').spec.template.spec.containers[0];
    expect(c.ports[0].containerPort).toBe(9036);
    expect(c.env).toContainEqual({ name: 'VITE_API_URL', valueFrom: { configMapKeyRef: { name: 'magnetiq-config', key: 'VITE_API_URL' } } });
    expect(c.envFrom).toBeUndefined();
  });

  test('the ingress routes the seed paths without rewrite-target, with TLS, 50m bodies and 600 s timeouts', () => {
    const ing = find(objs, 'Ingress', 'magnetiq');
    const a = ing.metadata.annotations;
    expect(a['nginx.ingress.kubernetes.io/rewrite-target']).toBeUndefined();
    expect(a['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('50m');
    expect(a['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('600');
    expect(a['nginx.ingress.kubernetes.io/proxy-send-timeout']).toBe('600');
    expect(a['cert-manager.io/cluster-issuer']).toBe(env === 'dev' ? 'letsencrypt-staging' : 'letsencrypt-prod');
    const routes = ing.spec.rules[0].http.paths.map((p: Obj) => `${p.pathType} ${p.path} -> ${p.backend.service.name}:${p.backend.service.port.number}`);
    expect(routes).toEqual([
      'Prefix /api -> magnetiq-backend:4036',
      'Prefix /docs -> magnetiq-backend:4036',
      'Prefix /redoc -> magnetiq-backend:4036',
      'Exact /openapi.json -> magnetiq-backend:4036',
      'Exact /health -> magnetiq-backend:4036',
      'Prefix / -> magnetiq-frontend:9036',
    ]);
    expect(ing.spec.tls[0].hosts).toEqual([ing.spec.rules[0].host]);
  });

  test('network policies: default deny, ingress controller to both, frontend to backend, DNS in kube-system, backend out on 443 and 587 only', () => {
    const deny = find(objs, 'NetworkPolicy', 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const backend = find(objs, 'NetworkPolicy', 'magnetiq-backend');
    const from = backend.spec.ingress.map((r: Obj) => r.from[0]);
    expect(from).toContainEqual(expect.objectContaining({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }));
    expect(from).toContainEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': `magnetiq-${env}`, 'app.kubernetes.io/name': 'magnetiq-frontend' } } });
    const external = backend.spec.egress.find((r: Obj) => r.to[0].ipBlock);
    expect(external.ports.map((p: Obj) => p.port).sort()).toEqual([443, 587]);
    const dns = backend.spec.egress.find((r: Obj) => r.to[0].namespaceSelector);
    expect(dns.to[0]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    });
    expect(dns.ports).toEqual([{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
  });

  test('no Role or RoleBinding: the backend needs no Kubernetes API access', () => {
    expect(objs.filter((o: Obj) => /Role/.test(o.kind))).toEqual([]);
    for (const sa of objs.filter((o: Obj) => o.kind === 'ServiceAccount')) expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('the SQLite backup uses the online backup API on the writer node, with retention and a deadline', () => {
    const cj = find(objs, 'CronJob', 'magnetiq-backup-db');
    expect(cj.spec.concurrencyPolicy).toBe('Forbid');
    expect(cj.spec.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    const pod = cj.spec.jobTemplate.spec.template.spec;
    const dump = pod.initContainers[0];
    expect(dump.command.join(' ')).toContain('src.backup(dst)');
    const value = (name: string) => dump.env.find((e: Obj) => e.name === name)?.value;
    expect([dump.command.slice(-1)[0], value('DB_FILE'), value('BACKUP_DIR'), value('KEEP_DAYS')]).toEqual(['backup', '/app/data/magnetiq.db', '/backup', env === 'dev' ? '3' : '14']);
    // Then the copy leaves the cluster: the upload step sends it to the environment's bucket.
    expect(pod.containers.map((c: Obj) => [c.name, c.image])).toEqual([['upload-db', 'rclone/rclone:1.60.1']]);
    expect(pod.containers[0].env.find((e: Obj) => e.name === 'STORE_PATH').value).toBe(`store:voltaic-backups-${env}/magnetiq/${env}/db`);
    expect(pod.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels['app.kubernetes.io/name']).toBe('magnetiq-backend');
    expect(pod.volumes.map((v: Obj) => v.persistentVolumeClaim?.claimName)).toEqual(expect.arrayContaining(['magnetiq-data', 'magnetiq-backup-db']));
  });
});

describe('magnetiq across environments', () => {
  test('production scales the frontend with an HPA and its Deployment omits replicas', () => {
    const objs = folders.get('production/magnetiq')!;
    const hpa = find(objs, 'HorizontalPodAutoscaler', 'magnetiq-frontend');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 10]);
    expect(find(objs, 'Deployment', 'magnetiq-frontend').spec.replicas).toBeUndefined();
    const app = find(folders.get('production/apps')!, 'Application', 'magnetiq-production');
    expect(app.spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', name: 'magnetiq-frontend', jsonPointers: ['/spec/replicas'] }]);
    expect(app.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  });

  test('dev and staging run fixed frontend replicas without an HPA', () => {
    expect(find(folders.get('dev/magnetiq')!, 'Deployment', 'magnetiq-frontend').spec.replicas).toBe(1);
    expect(find(folders.get('staging/magnetiq')!, 'Deployment', 'magnetiq-frontend').spec.replicas).toBe(2);
    expect(folders.get('staging/magnetiq')!.some((o: Obj) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  test.each(ENVS)('the %s Application syncs dist/<env>/magnetiq automatically with the seed retry backoff', (env) => {
    const app = find(folders.get(`${env}/apps`)!, 'Application', `magnetiq-${env}`);
    expect(app.spec.source.path).toBe(`dist/${env}/magnetiq`);
    // No recurse key: Argo CD drops a false one when it rewrites the Application, which made the root OutOfSync.
    expect(app.spec.source.directory).toEqual({ include: '*.yaml' });
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
    expect(app.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
    expect(app.spec.destination.namespace).toBe(`magnetiq-${env}`);
  });

  test('each environment deploys to its own cluster', () => {
    const servers = ENVS.map((env) => find(folders.get(`${env}/apps`)!, 'Application', `magnetiq-${env}`).spec.destination.server);
    expect(new Set(servers).size).toBe(3);
  });

  test('the AppProject whitelists exactly the cluster-scoped kinds the systems emit', () => {
    const project = find(folders.get('production/apps')!, 'AppProject', 'production-systems');
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    const platform = find(folders.get('production/apps')!, 'AppProject', 'production-platform');
    expect(platform.spec.clusterResourceWhitelist).toEqual([
      { group: 'cert-manager.io', kind: 'ClusterIssuer' },
      { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
      { group: 'storage.k8s.io', kind: 'StorageClass' },
    ]);
  });

  test('the Longhorn StorageClass is cluster-scoped, Retain, 3 replicas, expandable, and kept out of pruning', () => {
    const sc = find(folders.get('production/platform')!, 'StorageClass', 'longhorn-ssd');
    expect(sc.metadata.namespace).toBeUndefined();
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(sc.allowVolumeExpansion).toBe(true);
    expect(sc.parameters.numberOfReplicas).toBe('3');
    expect(JSON.parse(sc.parameters.recurringJobSelector)).toEqual([{ name: 'backup-daily', isGroup: true }]);
    expect(sc.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  });

  test('sync waves put namespace, storage and config before workloads, and ingress last', () => {
    const objs = folders.get('production/magnetiq')!;
    const wave = (kind: string) => Math.max(...objs.filter((o: Obj) => o.kind === kind).map((o: Obj) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave'])));
    expect(wave('Namespace')).toBeLessThan(wave('PersistentVolumeClaim'));
    expect(wave('PersistentVolumeClaim')).toBeLessThan(wave('ConfigMap'));
    expect(wave('ConfigMap')).toBeLessThan(wave('Deployment'));
    const maxWave = Math.max(...objs.map((o: Obj) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)));
    expect(wave('Ingress')).toBe(maxWave);
  });
});

describe('the SQLite single-writer rule', () => {
  const platform = loadPlatform(join(ROOT, 'platform.yaml'));

  test('rejects replicas: 2 on the SQLite backend and says why', () => {
    const { mkdtempSync, readFileSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
    const dir = mkdtempSync(join(require('node:os').tmpdir(), 'sqlite-'));
    const text = readFileSync(join(ROOT, 'apps', 'magnetiq.yaml'), 'utf8').replace('    port: 4036\n', '    port: 4036\n    replicas: 2\n');
    writeFileSync(join(dir, 'magnetiq.yaml'), text);
    let error: unknown;
    try {
      loadSystem(join(dir, 'magnetiq.yaml'), platform);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecErrors);
    const e = (error as SpecErrors).errors[0];
    expect(e.path).toBe('components.backend.replicas');
    expect(e.problem).toMatch(/is 2 but a SQLite backend is a single writer/);
    expect(e.message).toContain('magnetiq.yaml: components.backend.replicas:');
  });
});
