/**
 * Policy over every object in the committed dist/, read from disk: the hardening, scheduling,
 * storage, secret, RBAC and network rules that kube-score, Polaris and kube-linter would check
 * (test/POLICY.md maps each rule to their check IDs), plus "each allowed flow is needed and
 * no other flow is open". Every rule is also fed a deliberately broken object, so none of
 * them can pass by checking nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadAll } from 'js-yaml';
import { peerSelector } from '../charts/network-policy';
import { resolvePlatform, SystemContext, systemContext } from '../src/model/context';
import { allWorkloads, Flow, Peer, systemFlows } from '../src/model/flows';
import { selectorLabels } from '../src/model/names';
import { HTTP01_SOLVER_LABELS, HTTP01_SOLVER_PORT, needsHttp01Solver } from '../src/model/routes';
import { App } from 'cdk8s';
import { SystemChart } from '../charts/system-chart';
import { contextOf, GATEWAY_PLATFORM, ROUTING_SHOP } from './support/routing-context';
import { loadSpecs } from '../src/spec/load';

const REPO = join(__dirname, '..');
const DIST = join(REPO, 'dist');

// ---------------------------------------------------------------------------------------------
// Reading dist/

/** Parsed YAML below the fields the rules name: the rules probe it defensively. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A Kubernetes object as read from YAML; only the fields every rule uses are typed. */
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: Json;
}

interface Doc {
  /** Path relative to dist/, e.g. production/magnetiq/deployment-magnetiq-backend.yaml. */
  readonly file: string;
  readonly obj: K8sObject;
}

/** One folder of dist/ (dist/<env>/<system|platform|apps|bootstrap>/) with its objects. */
interface Folder {
  readonly path: string;
  readonly docs: readonly Doc[];
}

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
// Pod templates

interface PodTemplate {
  readonly doc: Doc;
  /** `Deployment/name` and, for CronJobs, the path to the template. */
  readonly where: string;
  readonly labels: Record<string, string>;
  readonly spec: Json;
  /** Deployments and StatefulSets: pods meant to keep running (probes, anti-affinity, PDB). */
  readonly longRunning: boolean;
}

function podTemplates(docs: readonly Doc[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const doc of docs) {
    const o = doc.obj;
    const where = `${doc.file} (${o.kind}/${o.metadata.name})`;
    const add = (template: Json, longRunning: boolean) =>
      out.push({ doc, where, labels: template?.metadata?.labels ?? {}, spec: template?.spec ?? {}, longRunning });
    switch (o.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
        add(o.spec?.template, true);
        break;
      case 'Job':
        add(o.spec?.template, false);
        break;
      case 'CronJob':
        add(o.spec?.jobTemplate?.spec?.template, false);
        break;
      case 'Pod':
        add({ metadata: o.metadata, spec: o.spec }, false);
        break;
    }
  }
  return out;
}

function containersOf(spec: Json): Json[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** Kubernetes label-selector semantics for matchLabels (matchExpressions are never emitted here). */
function selects(selector: Json, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return false;
  if (selector.matchExpressions !== undefined && selector.matchExpressions.length > 0) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function isEmptySelector(selector: Json): boolean {
  return (
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}

/** A quantity that asks for something: set and not zero. */
function positiveQuantity(q: unknown): boolean {
  if (q === undefined || q === null) return false;
  return !/^0+(\.0*)?[a-zA-Z]*$/.test(String(q));
}

// ---------------------------------------------------------------------------------------------
// Rules

interface Rule {
  /** Short id used in test names and test/POLICY.md. */
  readonly id: string;
  readonly title: string;
  /** Violations in one folder of dist/, each naming the file and what is wrong. */
  readonly check: (folder: Folder) => string[];
}

function perTemplate(check: (t: PodTemplate) => string[]): (folder: Folder) => string[] {
  return (folder) => podTemplates(folder.docs).flatMap((t) => check(t).map((v) => `${t.where}: ${v}`));
}

function perContainer(check: (c: Json, t: PodTemplate) => string | undefined): (folder: Folder) => string[] {
  return perTemplate((t) =>
    containersOf(t.spec)
      .map((c) => {
        const problem = check(c, t);
        return problem === undefined ? undefined : `container ${c.name}: ${problem}`;
      })
      .filter((v): v is string => v !== undefined),
  );
}

const ID_FIELDS = ['runAsUser', 'runAsGroup', 'fsGroup'] as const;

function workloadReplicas(folder: Folder, doc: Doc): { replicas: number; autoscaled: boolean } {
  const hpa = folder.docs.find(
    (d) =>
      d.obj.kind === 'HorizontalPodAutoscaler' &&
      d.obj.metadata.namespace === doc.obj.metadata.namespace &&
      d.obj.spec?.scaleTargetRef?.kind === doc.obj.kind &&
      d.obj.spec?.scaleTargetRef?.name === doc.obj.metadata.name,
  );
  if (hpa !== undefined) return { replicas: hpa.obj.spec.minReplicas ?? 1, autoscaled: true };
  return { replicas: doc.obj.spec?.replicas ?? 1, autoscaled: false };
}

function syncOptions(meta: Json): string[] {
  return String(meta?.annotations?.['argocd.argoproj.io/sync-options'] ?? '')
    .split(',')
    .map((s) => s.trim());
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

function isDefaultDeny(np: K8sObject): boolean {
  const types: string[] = np.spec?.policyTypes ?? [];
  return (
    isEmptySelector(np.spec?.podSelector) &&
    types.includes('Ingress') &&
    types.includes('Egress') &&
    (np.spec?.ingress ?? []).length === 0 &&
    (np.spec?.egress ?? []).length === 0
  );
}

/** Namespaces whose pods this folder runs, or whose Namespace object it owns with its contents. */
function folderNamespaces(folder: Folder): string[] {
  const namespaces = new Set<string>(podTemplates(folder.docs).map((t) => t.doc.obj.metadata.namespace ?? 'default'));
  for (const d of folder.docs) {
    if (d.obj.kind !== 'Namespace') continue;
    const owned = folder.docs.some((o) => o.obj.metadata.namespace === d.obj.metadata.name);
    if (owned) namespaces.add(d.obj.metadata.name);
  }
  return [...namespaces].sort();
}

const RULES: readonly Rule[] = [
  {
    id: 'non-root',
    title: 'pods run as non-root with non-zero runAsUser, runAsGroup and fsGroup',
    check: perTemplate((t) => {
      const problems: string[] = [];
      const pod = t.spec.securityContext ?? {};
      if (pod.runAsNonRoot !== true) problems.push('securityContext.runAsNonRoot is not true');
      for (const f of ID_FIELDS) {
        if (!(Number.isInteger(pod[f]) && pod[f] > 0)) problems.push(`securityContext.${f} is ${pod[f]}, not a non-zero id`);
      }
      for (const c of containersOf(t.spec)) {
        const sc = c.securityContext ?? {};
        if (sc.runAsNonRoot === false) problems.push(`container ${c.name}: runAsNonRoot is false`);
        for (const f of ['runAsUser', 'runAsGroup'] as const) {
          if (sc[f] !== undefined && !(sc[f] > 0)) problems.push(`container ${c.name}: ${f} is ${sc[f]}`);
        }
      }
      return problems;
    }),
  },
  {
    id: 'no-privilege-escalation',
    title: 'containers set allowPrivilegeEscalation false and are not privileged',
    check: perContainer((c) => {
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) return `allowPrivilegeEscalation is ${sc.allowPrivilegeEscalation}, not false`;
      if (sc.privileged === true) return 'privileged is true';
      return undefined;
    }),
  },
  {
    id: 'drop-all-capabilities',
    title: 'containers drop ALL capabilities and add none',
    check: perContainer((c) => {
      const caps = c.securityContext?.capabilities ?? {};
      if (!(caps.drop ?? []).includes('ALL')) return `capabilities.drop is ${JSON.stringify(caps.drop)}, not [ALL]`;
      if ((caps.add ?? []).length > 0) return `capabilities.add is ${JSON.stringify(caps.add)}`;
      return undefined;
    }),
  },
  {
    id: 'seccomp-runtime-default',
    title: 'pods use the RuntimeDefault seccomp profile',
    check: perTemplate((t) => {
      const problems: string[] = [];
      const pod = t.spec.securityContext?.seccompProfile?.type;
      if (pod !== 'RuntimeDefault') problems.push(`securityContext.seccompProfile.type is ${pod}, not RuntimeDefault`);
      for (const c of containersOf(t.spec)) {
        const type = c.securityContext?.seccompProfile?.type;
        if (type !== undefined && type !== 'RuntimeDefault') problems.push(`container ${c.name}: seccompProfile.type is ${type}`);
      }
      return problems;
    }),
  },
  {
    id: 'read-only-root-filesystem',
    title: 'containers have a read-only root filesystem',
    check: perContainer((c) => (c.securityContext?.readOnlyRootFilesystem === true ? undefined : 'readOnlyRootFilesystem is not true')),
  },
  {
    id: 'resources',
    title: 'containers request cpu and memory and limit memory',
    check: perContainer((c) => {
      const r = c.resources ?? {};
      const missing = [
        positiveQuantity(r.requests?.cpu) ? undefined : 'requests.cpu',
        positiveQuantity(r.requests?.memory) ? undefined : 'requests.memory',
        positiveQuantity(r.limits?.memory) ? undefined : 'limits.memory',
      ].filter(Boolean);
      return missing.length === 0 ? undefined : `resources lack ${missing.join(', ')} (unset or zero)`;
    }),
  },
  {
    id: 'probes',
    title: 'long-running containers have liveness and readiness probes',
    check: perContainer((c, t) => {
      if (!t.longRunning || (t.spec.initContainers ?? []).includes(c)) return undefined;
      const missing = ['livenessProbe', 'readinessProbe'].filter((p) => c[p] === undefined);
      return missing.length === 0 ? undefined : `no ${missing.join(' and ')}`;
    }),
  },
  {
    id: 'service-account',
    title: 'pods use their own ServiceAccount from the same folder and do not mount its token',
    check: (folder) =>
      podTemplates(folder.docs).flatMap((t) => {
        const problems: string[] = [];
        if (t.spec.automountServiceAccountToken !== false) problems.push('automountServiceAccountToken is not false');
        const name = t.spec.serviceAccountName;
        if (name === undefined || name === '' || name === 'default') problems.push(`serviceAccountName is ${JSON.stringify(name)}`);
        else {
          const ns = t.doc.obj.metadata.namespace;
          const sa = folder.docs.find((d) => d.obj.kind === 'ServiceAccount' && d.obj.metadata.name === name && d.obj.metadata.namespace === ns);
          if (sa === undefined) problems.push(`ServiceAccount ${name} is not in ${folder.path}/`);
        }
        return problems.map((p) => `${t.where}: ${p}`);
      }),
  },
  {
    id: 'image-pinned',
    title: 'images are pinned by a tag other than latest, or by digest',
    check: perContainer((c) => {
      const image = String(c.image ?? '');
      if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
      const lastSegment = image.split('/').pop() ?? '';
      if (!lastSegment.includes(':')) return `image ${image} has no tag or digest`;
      if (lastSegment.endsWith(':latest')) return `image ${image} uses the latest tag`;
      return undefined;
    }),
  },
  {
    id: 'image-pull-policy',
    title: 'imagePullPolicy is IfNotPresent',
    check: perContainer((c) => (c.imagePullPolicy === 'IfNotPresent' ? undefined : `imagePullPolicy is ${c.imagePullPolicy}`)),
  },
  {
    id: 'anti-affinity',
    title: 'workloads with more than one replica or an HPA spread over nodes (pod anti-affinity)',
    check: (folder) =>
      podTemplates(folder.docs)
        .filter((t) => t.longRunning)
        .flatMap((t) => {
          const { replicas, autoscaled } = workloadReplicas(folder, t.doc);
          if (!autoscaled && replicas <= 1) return [];
          const anti = t.spec.affinity?.podAntiAffinity ?? {};
          const terms: Json[] = [
            ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
            ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: Json) => p.podAffinityTerm),
          ];
          const spreads = terms.some((term) => term?.topologyKey === 'kubernetes.io/hostname' && selects(term.labelSelector, t.labels));
          return spreads ? [] : [`${t.where}: ${autoscaled ? 'autoscaled' : `${replicas} replicas`} but no podAntiAffinity on kubernetes.io/hostname selecting its own pods`];
        }),
  },
  {
    id: 'hpa-owns-replicas',
    title: 'a Deployment scaled by an HPA leaves spec.replicas out',
    check: (folder) =>
      folder.docs
        .filter((d) => (d.obj.kind === 'Deployment' || d.obj.kind === 'StatefulSet') && workloadReplicas(folder, d).autoscaled && d.obj.spec?.replicas !== undefined)
        .map((d) => `${d.file}: spec.replicas is ${d.obj.spec.replicas} but an HPA scales it`),
  },
  {
    id: 'pdb-allows-drain',
    title: 'PodDisruptionBudgets select a workload and never block a drain (maxUnavailable >= 1, no minAvailable equal to replicas)',
    check: (folder) =>
      folder.docs
        .filter((d) => d.obj.kind === 'PodDisruptionBudget')
        .flatMap((d) => {
          const spec = d.obj.spec ?? {};
          const targets = podTemplates(folder.docs).filter((t) => t.longRunning && t.doc.obj.metadata.namespace === d.obj.metadata.namespace && selects(spec.selector, t.labels));
          const problems: string[] = [];
          if (targets.length === 0) problems.push('selects no workload');
          if (spec.minAvailable === undefined && spec.maxUnavailable === undefined) problems.push('sets neither minAvailable nor maxUnavailable');
          if (spec.maxUnavailable !== undefined && (spec.maxUnavailable === 0 || /^0+%?$/.test(String(spec.maxUnavailable)))) {
            problems.push(`maxUnavailable is ${spec.maxUnavailable}: no pod may ever be evicted`);
          }
          if (spec.minAvailable !== undefined) {
            for (const t of targets) {
              const { replicas } = workloadReplicas(folder, t.doc);
              if (spec.minAvailable === '100%' || (typeof spec.minAvailable === 'number' && spec.minAvailable >= replicas)) {
                problems.push(`minAvailable ${spec.minAvailable} with ${replicas} replica(s) of ${t.doc.obj.metadata.name} blocks every drain`);
              }
            }
          }
          return problems.map((p) => `${d.file}: ${p}`);
        }),
  },
  {
    id: 'keep-volumes',
    title: 'PVCs (and volumeClaimTemplates) and StorageClasses carry Argo CD sync-options Prune=false and Delete=false',
    check: (folder) =>
      folder.docs.flatMap((d) => {
        const metas: Array<[string, Json]> = [];
        if (d.obj.kind === 'PersistentVolumeClaim' || d.obj.kind === 'StorageClass') metas.push([`${d.obj.kind}/${d.obj.metadata.name}`, d.obj.metadata]);
        if (d.obj.kind === 'StatefulSet') {
          for (const vct of d.obj.spec?.volumeClaimTemplates ?? []) metas.push([`volumeClaimTemplate ${vct.metadata?.name}`, vct.metadata]);
        }
        return metas.flatMap(([what, meta]) => {
          const options = syncOptions(meta);
          const missing = ['Prune=false', 'Delete=false'].filter((o) => !options.includes(o));
          return missing.length === 0 ? [] : [`${d.file}: ${what} lacks ${missing.join(' and ')} in argocd.argoproj.io/sync-options`];
        });
      }),
  },
  {
    id: 'storageclass-retain',
    title: 'StorageClasses are cluster-scoped (no namespace) and Retain their volumes',
    check: (folder) =>
      folder.docs
        .filter((d) => d.obj.kind === 'StorageClass')
        .flatMap((d) => [
          ...(d.obj.metadata.namespace !== undefined ? [`${d.file}: has namespace ${d.obj.metadata.namespace}; a StorageClass is cluster-scoped`] : []),
          ...(d.obj.reclaimPolicy !== 'Retain' ? [`${d.file}: reclaimPolicy is ${d.obj.reclaimPolicy}, not Retain`] : []),
        ]),
  },
  {
    id: 'no-secret-values',
    title: 'no Secret with data or stringData is committed',
    check: (folder) =>
      folder.docs
        .filter((d) => d.obj.kind === 'Secret' && (d.obj.data !== undefined || d.obj.stringData !== undefined))
        .map((d) => `${d.file}: Secret ${d.obj.metadata.name} holds values (data/stringData) in git`),
  },
  {
    id: 'no-rbac',
    title: 'no Role, ClusterRole, RoleBinding or ClusterRoleBinding (workloads get no API access)',
    check: (folder) => folder.docs.filter((d) => RBAC_KINDS.has(d.obj.kind)).map((d) => `${d.file}: ${d.obj.kind} ${d.obj.metadata.name} grants API access`),
  },
  {
    id: 'default-deny',
    title: 'every namespace folder has a default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)',
    check: (folder) =>
      folderNamespaces(folder)
        .filter((ns) => !folder.docs.some((d) => d.obj.kind === 'NetworkPolicy' && d.obj.metadata.namespace === ns && isDefaultDeny(d.obj)))
        .map((ns) => `${folder.path}/: namespace ${ns} has no default-deny NetworkPolicy`),
  },
  {
    id: 'network-policy-coverage',
    title: 'every pod is selected by exactly one NetworkPolicy of its own, with both Ingress and Egress (Polaris coverage)',
    check: (folder) =>
      podTemplates(folder.docs).flatMap((t) => {
        const policies = folder.docs.filter(
          (d) =>
            d.obj.kind === 'NetworkPolicy' &&
            d.obj.metadata.namespace === t.doc.obj.metadata.namespace &&
            !isEmptySelector(d.obj.spec?.podSelector) &&
            selects(d.obj.spec?.podSelector, t.labels),
        );
        if (policies.length !== 1) {
          return [`${t.where}: selected by ${policies.length} NetworkPolicies (${policies.map((p) => p.obj.metadata.name).join(', ') || 'none'}); exactly one must own its pods`];
        }
        const types: string[] = policies[0].obj.spec?.policyTypes ?? [];
        const missing = ['Ingress', 'Egress'].filter((x) => !types.includes(x));
        return missing.length === 0 ? [] : [`${t.where}: NetworkPolicy ${policies[0].obj.metadata.name} lacks policyTypes ${missing.join(', ')}`];
      }),
  },
  {
    id: 'restricted-namespaces',
    title: 'every Namespace enforces the restricted Pod Security Standard',
    check: (folder) =>
      folder.docs
        .filter((d) => d.obj.kind === 'Namespace' && d.obj.metadata.labels?.['pod-security.kubernetes.io/enforce'] !== 'restricted')
        .map((d) => `${d.file}: pod-security.kubernetes.io/enforce is ${d.obj.metadata.labels?.['pod-security.kubernetes.io/enforce']}, not restricted`),
  },
];

// ---------------------------------------------------------------------------------------------
// Flows: every NetworkPolicy rule is a flow of src/model/flows.ts whose reason is a spec field

/** Key-order-independent JSON, to compare selectors. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The value at a dotted path with [i] items, e.g. components.web.connectsTo[0]. */
function valueAt(root: Json, path: string): Json {
  let node = root;
  for (const part of path.split('.')) {
    const m = /^([^[]+)((\[\d+\])*)$/.exec(part);
    if (m === null) return undefined;
    node = node?.[m[1]];
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) node = node?.[Number(idx[1])];
  }
  return node;
}

function showPeer(p: Peer): string {
  return p.kind === 'workload' ? p.name : p.kind;
}

/** What a NetworkPolicy of the namespace selects: a workload, or cert-manager's HTTP-01 solver pods. */
function selfKey(p: Peer): string | undefined {
  return p.kind === 'workload' ? p.name : p.kind === 'acme-solver' ? 'acme-solver' : undefined;
}

function showFlow(f: Flow): string {
  return `${showPeer(f.from)} -> ${showPeer(f.to)} ${f.protocol}/${f.port}`;
}

/** Why a flow's reason does not justify it, or undefined when the spec field asks for exactly this flow. */
function reasonProblem(ctx: SystemContext, f: Flow): string | undefined {
  if (f.to.kind === 'dns') return f.reason === 'name resolution' && f.port === 53 ? undefined : `DNS flow with reason ${f.reason}`;
  // ingress.tls defaults to true, so the field may be absent from the spec and still ask.
  if (f.reason === 'ingress.tls') {
    const asks = needsHttp01Solver(ctx) && f.from.kind === 'ingress-controller' && f.to.kind === 'acme-solver' && f.port === HTTP01_SOLVER_PORT;
    return asks ? undefined : `ingress.tls does not ask for ${showFlow(f)}`;
  }
  const value = valueAt(ctx.spec, f.reason);
  if (value === undefined) return `reason ${f.reason} points at no field of the spec`;
  if (/\.connectsTo\[\d+\]$/.test(f.reason)) {
    const target = f.to.kind === 'workload' ? (f.to.name === 'postgres' ? 'database' : f.to.name === 'redis' ? 'cache' : f.to.name) : f.port === 5432 ? 'database' : 'cache';
    return value === target ? undefined : `${f.reason} is ${JSON.stringify(value)}, not ${target}`;
  }
  if (/\.egress\[\d+\]$/.test(f.reason)) {
    return value.port === f.port && (value.protocol ?? 'TCP') === f.protocol && f.to.kind === 'external' ? undefined : `${f.reason} does not ask for ${showFlow(f)}`;
  }
  if (/^ingress\.routes\[\d+\]$/.test(f.reason)) {
    return f.from.kind === 'ingress-controller' && f.to.kind === 'workload' && value.component === f.to.name ? undefined : `${f.reason} does not route to ${showPeer(f.to)}`;
  }
  if (/^components\.[^.]+\.metrics$/.test(f.reason)) {
    return f.from.kind === 'prometheus' && f.to.kind === 'workload' && f.reason === `components.${f.to.name}.metrics` ? undefined : `${f.reason} does not ask for ${showFlow(f)}`;
  }
  if (/^backups\[\d+\]$/.test(f.reason)) return value.kind === 'postgres' && f.port === 5432 ? undefined : `${f.reason} is not a postgres backup`;
  return `reason ${f.reason} is not a field that asks for network access`;
}

interface Opening {
  readonly file: string;
  readonly workload: string;
  readonly direction: 'ingress' | 'egress';
  readonly peer: string;
  readonly port: number;
  readonly protocol: string;
}

/** Every problem of the system's NetworkPolicies against the flows its spec asks for. */
function checkFlows(ctx: SystemContext, policies: readonly Doc[]): string[] {
  const problems: string[] = [];
  const flows = systemFlows(ctx);
  const workloads = allWorkloads(ctx);
  const openings: Opening[] = [];
  for (const d of policies) {
    if (isDefaultDeny(d.obj)) continue;
    const labels = canonical(d.obj.spec?.podSelector?.matchLabels ?? {});
    const workload = labels === canonical(HTTP01_SOLVER_LABELS) ? 'acme-solver' : workloads.find((w) => canonical(selectorLabels(ctx, w)) === labels);
    if (workload === undefined) {
      problems.push(`${d.file}: selects no workload of the spec`);
      continue;
    }
    for (const direction of ['ingress', 'egress'] as const) {
      (d.obj.spec?.[direction] ?? []).forEach((rule: Json, i: number) => {
        const peers: Json[] = rule[direction === 'ingress' ? 'from' : 'to'] ?? [];
        const ports: Json[] = rule.ports ?? [];
        if (peers.length === 0) problems.push(`${d.file}: ${direction}[${i}] allows every peer`);
        if (ports.length === 0) problems.push(`${d.file}: ${direction}[${i}] allows every port`);
        for (const peer of peers) {
          for (const port of ports) openings.push({ file: d.file, workload, direction, peer: canonical(peer), port: port.port, protocol: port.protocol ?? 'TCP' });
        }
      });
    }
  }
  const matches = (o: Opening, f: Flow): boolean => {
    const self = o.direction === 'ingress' ? f.to : f.from;
    const other = o.direction === 'ingress' ? f.from : f.to;
    return selfKey(self) === o.workload && canonical(peerSelector(ctx, other)) === o.peer && f.port === o.port && f.protocol === o.protocol;
  };
  for (const o of openings) {
    const needed = flows.filter((f) => matches(o, f));
    if (needed.length === 0) problems.push(`${o.file}: ${o.direction} ${o.protocol}/${o.port} with ${o.peer} is open but no spec field asks for it`);
    for (const f of needed) {
      const why = reasonProblem(ctx, f);
      if (why !== undefined) problems.push(`${o.file}: ${showFlow(f)}: ${why}`);
    }
  }
  for (const f of flows) {
    for (const direction of ['egress', 'ingress'] as const) {
      const self = direction === 'ingress' ? f.to : f.from;
      if (selfKey(self) === undefined) continue;
      if (!openings.some((o) => o.direction === direction && matches(o, f))) {
        problems.push(`${ctx.env}/${ctx.system}: ${showFlow(f)} (needed by ${f.reason}) has no ${direction} rule in ${showPeer(self)}'s NetworkPolicy`);
      }
    }
  }
  return problems;
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

function find(folder: Folder, kind: string, name: string): K8sObject {
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

  test('rejects a namespace whose ACME HTTP-01 solver pods the ingress controller cannot reach', () => {
    const docs = policies().filter((d) => d.obj.metadata.name !== 'magnetiq-acme-http01-solver');
    expect(checkFlows(ctx, docs)).toEqual(['production/magnetiq: ingress-controller -> acme-solver TCP/8089 (needed by ingress.tls) has no ingress rule in acme-solver\'s NetworkPolicy']);
  });

  test('the policies of a system behind the Gateway allow exactly its flows, with the Gateway pods as the edge', () => {
    const gw = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'production');
    const docs: Doc[] = (new SystemChart(new App({ outdir: '/nonexistent' }), 'shop', { ctx: gw }).toJson() as K8sObject[])
      .filter((o) => o.kind === 'NetworkPolicy')
      .map((o) => ({ file: `production/shop/networkpolicy-${o.metadata.name}.yaml`, obj: o }));
    expect(docs.map((d) => d.obj.metadata.name).sort()).toEqual(['default-deny', 'shop-api', 'shop-web']);
    expect(checkFlows(gw, docs)).toEqual([]);
    // The same policies judged as if ingress-nginx were the edge: every Gateway rule is unneeded.
    const nginx = { ...gw, platform: { ...gw.platform, routing: 'ingress-nginx' as const, gateway: undefined } };
    const gatewayPeer = '{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"gateway-system"}},"podSelector":{"matchLabels":{"gateway.envoyproxy.io/owning-gateway-name":"platform"}}}';
    expect(checkFlows(nginx, docs).filter((p) => p.includes('gateway-system'))).toEqual([
      `production/shop/networkpolicy-shop-api.yaml: ingress TCP/8080 with ${gatewayPeer} is open but no spec field asks for it`,
      `production/shop/networkpolicy-shop-web.yaml: ingress TCP/8081 with ${gatewayPeer} is open but no spec field asks for it`,
    ]);
  });

  test('rejects a solver rule when the platform solves ACME with DNS-01', () => {
    const certificates = { ...ctx.platform.certificates!, dns01: { provider: 'cloudflare' as const, apiTokenSecretRef: { name: 'cloudflare', key: 'token' } } };
    const dns01 = { ...ctx, platform: { ...ctx.platform, certificates } };
    expect(systemFlows(dns01).filter((f) => f.to.kind === 'acme-solver')).toEqual([]);
    expect(checkFlows(dns01, policies())).toEqual([expect.stringContaining('networkpolicy-magnetiq-acme-http01-solver.yaml: ingress TCP/8089 with')]);
    expect(reasonProblem(dns01, { from: { kind: 'ingress-controller' }, to: { kind: 'acme-solver' }, port: 8089, protocol: 'TCP', reason: 'ingress.tls' })).toBe(
      'ingress.tls does not ask for ingress-controller -> acme-solver TCP/8089',
    );
  });
});
