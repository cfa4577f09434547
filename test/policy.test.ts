/**
 * Policy over every object in the committed dist/, read from disk: the rules of src/policy/
 * (the same module synth runs as a gate before writing), plus "each allowed flow is needed and
 * no other flow is open". Every rule is also fed a deliberately broken object, so none of
 * them can pass by checking nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadAll } from 'js-yaml';
import { resolvePlatform, systemContext } from '../src/model/context';
import type { Flow } from '../src/model/flows';
import { canonical, checkFlows, Doc, Folder, Json, K8sObject, podTemplates, reasonProblem, RULES } from '../src/policy';
import { loadSpecs } from '../src/spec/load';

const REPO = join(__dirname, '..');
const DIST = join(REPO, 'dist');

// ---------------------------------------------------------------------------------------------
// Reading dist/

function readDist(root: string): Folder[] {
  const folders = new Map<string, Doc[]>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) {
        const folder = relative(root, dir);
        const docs = folders.get(folder) ?? [];
        for (const obj of loadAll(readFileSync(p, 'utf8'))) {
          if (obj !== null && obj !== undefined) docs.push({ file: relative(root, p), obj: obj as K8sObject });
        }
        folders.set(folder, docs);
      }
    }
  };
  walk(root);
  return [...folders.entries()].map(([path, docs]) => ({ path, docs }));
}

// ---------------------------------------------------------------------------------------------
// Tests on the committed dist/

const FOLDERS = readDist(DIST);
const ALL_DOCS = FOLDERS.flatMap((f) => f.docs);

test('dist/ holds the objects the rules look at', () => {
  const kinds = new Set(ALL_DOCS.map((d) => d.obj.kind));
  for (const kind of ['Namespace', 'Deployment', 'CronJob', 'ServiceAccount', 'NetworkPolicy', 'PodDisruptionBudget', 'PersistentVolumeClaim', 'StorageClass']) {
    expect(kinds).toContain(kind);
  }
  expect(podTemplates(ALL_DOCS).length).toBeGreaterThan(0);
});

test('every manifest file in dist/ holds exactly one object with apiVersion, kind and name', () => {
  const perFile = new Map<string, number>();
  for (const d of ALL_DOCS) perFile.set(d.file, (perFile.get(d.file) ?? 0) + 1);
  expect([...perFile.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect(ALL_DOCS.filter((d) => !d.obj.apiVersion || !d.obj.kind || !d.obj.metadata?.name).map((d) => d.file)).toEqual([]);
});

describe('dist/ obeys the rule', () => {
  test.each(RULES.map((r) => [`${r.id}: ${r.title}`, r] as const))('%s', (_name, rule) => {
    expect(FOLDERS.flatMap((f) => rule.check(f))).toEqual([]);
  });
});

describe('each allowed flow is needed and no other flow is open', () => {
  const specs = loadSpecs(join(REPO, 'apps'), join(REPO, 'platform.yaml'));
  const cases = specs.systems.flatMap((s) => [...s.environments.keys()].map((env) => [`${env}/${s.base.name}`, s, env] as const));

  test('every system and environment of apps/ has a folder in dist/', () => {
    const folders = new Set(FOLDERS.map((f) => f.path));
    expect(cases.map(([name]) => name).filter((name) => !folders.has(name))).toEqual([]);
  });

  test.each(cases)('%s', (name, system, env) => {
    const ctx = systemContext(system.environments.get(env)!, resolvePlatform(specs.platform, env));
    const policies = FOLDERS.find((f) => f.path === name)?.docs.filter((d) => d.obj.kind === 'NetworkPolicy') ?? [];
    expect(policies.length).toBeGreaterThan(0);
    expect(checkFlows(ctx, policies)).toEqual([]);
  });

  test('DNS egress goes to kube-dns in kube-system, both selectors in one peer, UDP and TCP 53', () => {
    const dnsPeers = ALL_DOCS.filter((d) => d.obj.kind === 'NetworkPolicy').flatMap((d) =>
      (d.obj.spec?.egress ?? []).filter((r: Json) => (r.ports ?? []).some((p: Json) => p.port === 53)).map((r: Json) => ({ file: d.file, rule: r })),
    );
    expect(dnsPeers.length).toBeGreaterThan(0);
    for (const { file, rule } of dnsPeers) {
      expect({ file, to: rule.to, ports: canonical(rule.ports) }).toEqual({
        file,
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: canonical([{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]),
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Every rule can fail: a known-good folder passes all of them, and each break trips its rule

const NS = 'shop-dev';
const API_LABELS = { 'app.kubernetes.io/name': 'shop-api', 'app.kubernetes.io/instance': 'shop-dev', 'app.kubernetes.io/component': 'api' };
const JOB_LABELS = { 'app.kubernetes.io/name': 'shop-backup-db', 'app.kubernetes.io/instance': 'shop-dev', 'app.kubernetes.io/component': 'backup-db' };
const KEEP = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' };

function hardenedPod(labels: Record<string, string>, serviceAccountName: string, longRunning: boolean): Json {
  const container: Json = {
    name: 'main',
    image: 'registry.example.com/shop-api:v1.0.0',
    imagePullPolicy: 'IfNotPresent',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  if (longRunning) {
    container.livenessProbe = { httpGet: { path: '/health', port: 'http' } };
    container.readinessProbe = { httpGet: { path: '/health', port: 'http' } };
  }
  return {
    metadata: { labels },
    spec: {
      serviceAccountName,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [container],
    },
  };
}

function ownPolicy(name: string, labels: Record<string, string>): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: NS },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'], 'app.kubernetes.io/instance': 'shop-dev' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] }],
    },
  };
}

/** A folder that passes every rule: a replicated Deployment, a CronJob, and what they need. */
function goodFolder(): Folder {
  const objects: K8sObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop-api', namespace: NS }, automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop-backup-db', namespace: NS }, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop-api', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api', 'app.kubernetes.io/instance': 'shop-dev' } },
        template: (() => {
          const t = hardenedPod(API_LABELS, 'shop-api', true);
          t.spec.affinity = {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api', 'app.kubernetes.io/instance': 'shop-dev' } } } },
              ],
            },
          };
          return t;
        })(),
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'shop-backup-db', namespace: NS },
      spec: { schedule: '30 2 * * *', jobTemplate: { spec: { template: hardenedPod(JOB_LABELS, 'shop-backup-db', false) } } },
    },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: NS }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    ownPolicy('shop-api', API_LABELS),
    ownPolicy('shop-backup-db', JOB_LABELS),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'shop-api', namespace: NS },
      spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api', 'app.kubernetes.io/instance': 'shop-dev' } } },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'shop-data', namespace: NS, annotations: { ...KEEP } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'longhorn-ssd', annotations: { ...KEEP } }, provisioner: 'driver.longhorn.io', reclaimPolicy: 'Retain' },
  ];
  return { path: 'dev/shop', docs: objects.map((obj) => ({ file: `dev/shop/${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`, obj })) };
}

/** An object of the fixture, loosely typed so that a break can change any field of it. */
function find(folder: Folder, kind: string, name: string): Json {
  const d = folder.docs.find((x) => x.obj.kind === kind && x.obj.metadata.name === name);
  if (d === undefined) throw new Error(`no ${kind}/${name} in the fixture`);
  return d.obj;
}
const api = (f: Folder) => find(f, 'Deployment', 'shop-api').spec.template.spec;
const apiContainer = (f: Folder) => api(f).containers[0];
const job = (f: Folder) => find(f, 'CronJob', 'shop-backup-db').spec.jobTemplate.spec.template.spec;
const without = (f: Folder, kind: string, name: string): Folder => ({ ...f, docs: f.docs.filter((d) => !(d.obj.kind === kind && d.obj.metadata.name === name)) });
const withObject = (f: Folder, obj: K8sObject): Folder => ({ ...f, docs: [...f.docs, { file: `dev/shop/${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`, obj }] });

/** A deliberately broken variant of the good folder and the rule that must catch it. */
interface Break {
  readonly rule: string;
  readonly what: string;
  readonly mutate: (f: Folder) => Folder | void;
  /** A fragment of the violation. */
  readonly expected: string;
}

const BREAKS: readonly Break[] = [
  { rule: 'non-root', what: 'runAsNonRoot false on the pod', mutate: (f) => void (api(f).securityContext.runAsNonRoot = false), expected: 'runAsNonRoot is not true' },
  { rule: 'non-root', what: 'runAsUser 0 on the pod', mutate: (f) => void (api(f).securityContext.runAsUser = 0), expected: 'runAsUser is 0' },
  { rule: 'non-root', what: 'no fsGroup on a CronJob pod', mutate: (f) => void delete job(f).securityContext.fsGroup, expected: 'fsGroup is undefined' },
  { rule: 'non-root', what: 'a container overriding runAsGroup to 0', mutate: (f) => void (apiContainer(f).securityContext.runAsGroup = 0), expected: 'container main: runAsGroup is 0' },
  { rule: 'no-privilege-escalation', what: 'allowPrivilegeEscalation true', mutate: (f) => void (apiContainer(f).securityContext.allowPrivilegeEscalation = true), expected: 'allowPrivilegeEscalation is true' },
  { rule: 'no-privilege-escalation', what: 'a privileged init container', mutate: (f) => void (job(f).initContainers = [{ ...job(f).containers[0], name: 'init', securityContext: { ...job(f).containers[0].securityContext, privileged: true } }]), expected: 'container init: privileged is true' },
  { rule: 'drop-all-capabilities', what: 'dropping only NET_RAW', mutate: (f) => void (apiContainer(f).securityContext.capabilities = { drop: ['NET_RAW'] }), expected: 'capabilities.drop is ["NET_RAW"]' },
  { rule: 'drop-all-capabilities', what: 'adding NET_BIND_SERVICE', mutate: (f) => void (apiContainer(f).securityContext.capabilities.add = ['NET_BIND_SERVICE']), expected: 'capabilities.add is ["NET_BIND_SERVICE"]' },
  { rule: 'seccomp-runtime-default', what: 'an Unconfined pod', mutate: (f) => void (job(f).securityContext.seccompProfile = { type: 'Unconfined' }), expected: 'seccompProfile.type is Unconfined' },
  { rule: 'seccomp-runtime-default', what: 'a container overriding to Unconfined', mutate: (f) => void (apiContainer(f).securityContext.seccompProfile = { type: 'Unconfined' }), expected: 'container main: seccompProfile.type is Unconfined' },
  { rule: 'read-only-root-filesystem', what: 'a writable root filesystem', mutate: (f) => void (apiContainer(f).securityContext.readOnlyRootFilesystem = false), expected: 'readOnlyRootFilesystem is not true' },
  { rule: 'resources', what: 'no cpu request', mutate: (f) => void delete apiContainer(f).resources.requests.cpu, expected: 'resources lack requests.cpu' },
  { rule: 'resources', what: 'a zero cpu request', mutate: (f) => void (job(f).containers[0].resources.requests.cpu = '0'), expected: 'resources lack requests.cpu' },
  { rule: 'resources', what: 'no memory limit', mutate: (f) => void (apiContainer(f).resources.limits = { cpu: '1' }), expected: 'resources lack limits.memory' },
  { rule: 'probes', what: 'no readiness probe', mutate: (f) => void delete apiContainer(f).readinessProbe, expected: 'no readinessProbe' },
  { rule: 'probes', what: 'no probes at all', mutate: (f) => void (delete apiContainer(f).readinessProbe, delete apiContainer(f).livenessProbe), expected: 'no livenessProbe and readinessProbe' },
  { rule: 'service-account', what: 'the token mounted', mutate: (f) => void (api(f).automountServiceAccountToken = true), expected: 'automountServiceAccountToken is not false' },
  { rule: 'service-account', what: 'the default ServiceAccount', mutate: (f) => void delete job(f).serviceAccountName, expected: 'serviceAccountName is undefined' },
  { rule: 'service-account', what: 'a ServiceAccount that is not in the folder', mutate: (f) => without(f, 'ServiceAccount', 'shop-api'), expected: 'ServiceAccount shop-api is not in dev/shop/' },
  { rule: 'image-pinned', what: 'the latest tag', mutate: (f) => void (apiContainer(f).image = 'registry.example.com/shop-api:latest'), expected: 'uses the latest tag' },
  { rule: 'image-pinned', what: 'no tag on a registry with a port', mutate: (f) => void (apiContainer(f).image = 'registry.example.com:5000/shop-api'), expected: 'has no tag or digest' },
  { rule: 'image-pull-policy', what: 'imagePullPolicy Always', mutate: (f) => void (apiContainer(f).imagePullPolicy = 'Always'), expected: 'imagePullPolicy is Always' },
  { rule: 'anti-affinity', what: 'two replicas without anti-affinity', mutate: (f) => void delete api(f).affinity, expected: '2 replicas but no podAntiAffinity' },
  {
    rule: 'anti-affinity',
    what: 'an autoscaled Deployment whose anti-affinity selects other pods',
    mutate: (f) => {
      const d = find(f, 'Deployment', 'shop-api');
      delete d.spec.replicas;
      api(f).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels['app.kubernetes.io/name'] = 'shop-web';
      return withObject(f, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'shop-api', namespace: NS }, spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-api' } } });
    },
    expected: 'autoscaled but no podAntiAffinity',
  },
  {
    rule: 'hpa-owns-replicas',
    what: 'replicas on an autoscaled Deployment',
    mutate: (f) => withObject(f, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'shop-api', namespace: NS }, spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-api' } } }),
    expected: 'spec.replicas is 2 but an HPA scales it',
  },
  { rule: 'pdb-allows-drain', what: 'minAvailable equal to replicas', mutate: (f) => void (find(f, 'PodDisruptionBudget', 'shop-api').spec = { minAvailable: 2, selector: find(f, 'PodDisruptionBudget', 'shop-api').spec.selector }), expected: 'minAvailable 2 with 2 replica(s) of shop-api blocks every drain' },
  { rule: 'pdb-allows-drain', what: 'maxUnavailable 0', mutate: (f) => void (find(f, 'PodDisruptionBudget', 'shop-api').spec.maxUnavailable = 0), expected: 'maxUnavailable is 0' },
  { rule: 'pdb-allows-drain', what: 'a selector that matches nothing', mutate: (f) => void (find(f, 'PodDisruptionBudget', 'shop-api').spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'shop-gone' } }), expected: 'selects no workload' },
  { rule: 'keep-volumes', what: 'a PVC Argo CD may delete', mutate: (f) => void (find(f, 'PersistentVolumeClaim', 'shop-data').metadata.annotations = { 'argocd.argoproj.io/sync-options': 'Prune=false' }), expected: 'lacks Delete=false' },
  { rule: 'keep-volumes', what: 'a StorageClass without sync-options', mutate: (f) => void delete find(f, 'StorageClass', 'longhorn-ssd').metadata.annotations, expected: 'StorageClass/longhorn-ssd lacks Prune=false and Delete=false' },
  {
    rule: 'keep-volumes',
    what: 'a StatefulSet volumeClaimTemplate without sync-options',
    mutate: (f) => withObject(f, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'shop-db', namespace: NS }, spec: { replicas: 1, template: { metadata: { labels: {} }, spec: {} }, volumeClaimTemplates: [{ metadata: { name: 'data' } }] } }),
    expected: 'volumeClaimTemplate data lacks Prune=false and Delete=false',
  },
  { rule: 'storageclass-retain', what: 'a namespaced StorageClass', mutate: (f) => void (find(f, 'StorageClass', 'longhorn-ssd').metadata.namespace = NS), expected: 'a StorageClass is cluster-scoped' },
  { rule: 'storageclass-retain', what: 'reclaimPolicy Delete', mutate: (f) => void (find(f, 'StorageClass', 'longhorn-ssd').reclaimPolicy = 'Delete'), expected: 'reclaimPolicy is Delete, not Retain' },
  { rule: 'no-secret-values', what: 'a Secret with stringData', mutate: (f) => withObject(f, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-secrets', namespace: NS }, stringData: { SECRET_KEY: 'hunter2' } }), expected: 'Secret shop-secrets holds values' },
  { rule: 'no-secret-values', what: 'a Secret with data', mutate: (f) => withObject(f, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-secrets', namespace: NS }, data: { SECRET_KEY: 'aHVudGVyMg==' } }), expected: 'Secret shop-secrets holds values' },
  { rule: 'no-rbac', what: 'a Role', mutate: (f) => withObject(f, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'shop-api', namespace: NS }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }), expected: 'Role shop-api grants API access' },
  { rule: 'no-rbac', what: 'a ClusterRoleBinding', mutate: (f) => withObject(f, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'shop-admin' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } }), expected: 'ClusterRoleBinding shop-admin grants API access' },
  { rule: 'default-deny', what: 'no default-deny policy', mutate: (f) => without(f, 'NetworkPolicy', 'default-deny'), expected: 'namespace shop-dev has no default-deny NetworkPolicy' },
  { rule: 'default-deny', what: 'a default deny of ingress only', mutate: (f) => void (find(f, 'NetworkPolicy', 'default-deny').spec.policyTypes = ['Ingress']), expected: 'has no default-deny NetworkPolicy' },
  { rule: 'network-policy-coverage', what: 'a pod no policy of its own selects', mutate: (f) => without(f, 'NetworkPolicy', 'shop-backup-db'), expected: 'selected by 0 NetworkPolicies (none)' },
  { rule: 'network-policy-coverage', what: 'a pod two policies select', mutate: (f) => withObject(f, ownPolicy('shop-api-extra', API_LABELS)), expected: 'selected by 2 NetworkPolicies (shop-api, shop-api-extra)' },
  { rule: 'network-policy-coverage', what: 'a policy without Egress', mutate: (f) => void (find(f, 'NetworkPolicy', 'shop-api').spec.policyTypes = ['Ingress']), expected: 'NetworkPolicy shop-api lacks policyTypes Egress' },
  { rule: 'restricted-namespaces', what: 'a baseline namespace', mutate: (f) => void (find(f, 'Namespace', NS).metadata.labels = { 'pod-security.kubernetes.io/enforce': 'baseline' }), expected: 'enforce is baseline, not restricted' },
];

describe('every rule can fail', () => {
  test('the good fixture passes every rule', () => {
    const folder = goodFolder();
    expect(RULES.map((r) => [r.id, r.check(folder)])).toEqual(RULES.map((r) => [r.id, []]));
  });

  test('every rule has at least one break', () => {
    expect(RULES.map((r) => r.id).filter((id) => !BREAKS.some((b) => b.rule === id))).toEqual([]);
  });

  test.each(BREAKS.map((b) => [b.rule, b.what, b] as const))('%s rejects %s', (ruleId, _what, b) => {
    const rule = RULES.find((r) => r.id === ruleId)!;
    const good = goodFolder();
    const broken = b.mutate(good) ?? good;
    const violations = rule.check(broken);
    expect(violations).toEqual(expect.arrayContaining([expect.stringContaining(b.expected)]));
  });
});

describe('the flow check can fail', () => {
  const specs = loadSpecs(join(REPO, 'apps'), join(REPO, 'platform.yaml'));
  // A system whose policies have both an egress rule to another workload and ingress from it.
  const magnetiq = specs.systems.find((s) => s.base.name === 'magnetiq')!;
  const ctx = systemContext(magnetiq.environments.get('production')!, resolvePlatform(specs.platform, 'production'));
  const policies = (): Doc[] => structuredClone(FOLDERS.find((f) => f.path === 'production/magnetiq')!.docs.filter((d) => d.obj.kind === 'NetworkPolicy'));
  const policy = (docs: Doc[], name: string) => docs.find((d) => d.obj.metadata.name === name)!.obj;

  test('the committed policies of production/magnetiq pass', () => {
    expect(checkFlows(ctx, policies())).toEqual([]);
  });

  test('rejects a port no spec field asks for', () => {
    const docs = policies();
    policy(docs, 'magnetiq-backend').spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(checkFlows(ctx, docs)).toEqual([expect.stringContaining('egress TCP/5432 with {"ipBlock":{"cidr":"0.0.0.0/0"}} is open but no spec field asks for it')]);
  });

  test('rejects a rule open to every port or every peer', () => {
    const docs = policies();
    policy(docs, 'magnetiq-frontend').spec.ingress.push({ from: [] });
    expect(checkFlows(ctx, docs)).toEqual(expect.arrayContaining([expect.stringContaining('allows every peer'), expect.stringContaining('allows every port')]));
  });

  test('rejects a flow the spec asks for that no rule allows', () => {
    const docs = policies();
    policy(docs, 'magnetiq-backend').spec.ingress = policy(docs, 'magnetiq-backend').spec.ingress.filter((r: Json) => r.from[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] !== 'magnetiq-frontend');
    expect(checkFlows(ctx, docs)).toEqual([expect.stringContaining('frontend -> backend TCP/4036 (needed by components.frontend.connectsTo[0]) has no ingress rule')]);
  });

  test('rejects a policy that selects no workload of the spec', () => {
    const docs = policies();
    policy(docs, 'magnetiq-frontend').spec.podSelector.matchLabels['app.kubernetes.io/name'] = 'magnetiq-admin';
    expect(checkFlows(ctx, docs)).toEqual(expect.arrayContaining([expect.stringContaining('networkpolicy-magnetiq-frontend.yaml: selects no workload of the spec')]));
  });

  test('rejects a flow whose reason points at no spec field, or at one that asks for something else', () => {
    const flow: Flow = { from: { kind: 'workload', name: 'backend' }, to: { kind: 'external' }, port: 443, protocol: 'TCP', reason: 'components.backend.egress[7]' };
    expect(reasonProblem(ctx, flow)).toBe('reason components.backend.egress[7] points at no field of the spec');
    expect(reasonProblem(ctx, { ...flow, port: 8443, reason: 'components.backend.egress[0]' })).toBe('components.backend.egress[0] does not ask for backend -> external TCP/8443');
    expect(reasonProblem(ctx, { ...flow, reason: 'description' })).toBe('reason description is not a field that asks for network access');
    expect(reasonProblem(ctx, { ...flow, reason: 'components.backend.egress[0]' })).toBeUndefined();
  });
});
