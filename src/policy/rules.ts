/**
 * The safety rules every object synth writes must obey: the hardening, scheduling, storage,
 * secret, RBAC and network rules that kube-score, Polaris and kube-linter would check (the
 * README's "Safety rules" table maps each to their check IDs). Synth runs them as a gate on
 * every folder before anything is written (src/policy/gate.ts); test/policy.test.ts runs the
 * same rules over the committed dist/ and feeds each one a broken object.
 */
import { SYNC_OPTION, SYNC_OPTIONS } from '../../charts/meta';
import { containersOf, Doc, Folder, isEmptySelector, Json, K8sObject, podTemplates, PodTemplate, positiveQuantity, selects } from './objects';

export interface Rule {
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

function syncOptionsOf(meta: Json): string[] {
  return String(meta?.annotations?.[SYNC_OPTIONS] ?? '')
    .split(',')
    .map((s) => s.trim());
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

export function isDefaultDeny(np: K8sObject): boolean {
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

export const RULES: readonly Rule[] = [
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
          const options = syncOptionsOf(meta);
          const missing = [SYNC_OPTION.noPrune, SYNC_OPTION.noDelete].filter((o) => !options.includes(o));
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
