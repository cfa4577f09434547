/**
 * The Argo CD side of one environment, in two charts:
 * - AppsChart (dist/<env>/apps/): the AppProjects, one Application per system and the
 *   platform Application; the root app-of-apps syncs this folder.
 * - BootstrapChart (dist/<env>/bootstrap/): what `npm run bootstrap` applies to a new
 *   cluster (namespaces, projects, the root Application, the Application health check);
 *   `kubectl apply --server-side -f dist/<env>/bootstrap/` is the equivalent without Node.
 */
import * as k8s from '../imports/kube';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { namespaceMetadata } from '../charts/namespace';
import { LONGHORN_NAMESPACE } from '../charts/platform-chart';
import type { ResolvedPlatform } from '../src/model/context';
import { MANAGED_BY, names } from '../src/model/names';
import type { Manifest } from '../src/model/manifest';
import { EmittedKind, emittedKinds, SystemSummary } from '../src/model/summary';
import { Application, AppProject } from '../imports/argocd';
import { IN_CLUSTER, PlatformApplication, RootApplication, SystemApplication } from './application';
import { GroupKind, Project, sortGroupKinds } from './project';

export interface EnvironmentChartProps {
  readonly platform: ResolvedPlatform;
  /** The systems of the environment, summarized (kinds, autoscaled Deployments). */
  readonly systems: readonly SystemSummary[];
  /** Manifests of dist/<env>/platform/. */
  readonly platformManifests: readonly Manifest[];
}

function groupKind(m: { apiVersion: string; kind: string }): GroupKind {
  return { group: m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '', kind: m.kind };
}

/** Kinds split by scope. */
function byScope(kinds: readonly EmittedKind[]): { cluster: GroupKind[]; namespaced: GroupKind[] } {
  return {
    cluster: sortGroupKinds(kinds.filter((k) => !k.namespaced)),
    namespaced: sortGroupKinds(kinds.filter((k) => k.namespaced)),
  };
}

function projects(scope: Construct, props: EnvironmentChartProps): void {
  const p = props.platform;
  const systemKinds = byScope(props.systems.flatMap((s) => s.kinds));
  new Project(scope, 'systems-project', {
    platform: p,
    kind: 'systems',
    destinations: props.systems.map((s) => ({ server: p.cluster, namespace: s.ctx.namespace })).sort((a, b) => a.namespace.localeCompare(b.namespace)),
    clusterKinds: systemKinds.cluster,
    namespacedKinds: systemKinds.namespaced,
  });
  const platformKinds = byScope(emittedKinds(props.platformManifests));
  new Project(scope, 'platform-project', {
    platform: p,
    kind: 'platform',
    destinations: [
      { server: IN_CLUSTER, namespace: p.argocdNamespace },
      { server: p.cluster, namespace: LONGHORN_NAMESPACE },
      // The platform Gateway and its HTTPS redirect route (routing gateway-api).
      ...(p.gateway !== undefined ? [{ server: p.cluster, namespace: p.gateway.namespace }] : []),
    ],
    clusterKinds: platformKinds.cluster,
    // The root app syncs Applications and AppProjects into Argo CD's namespace.
    namespacedKinds: sortGroupKinds([...platformKinds.namespaced, groupKind(Application.GVK), groupKind(AppProject.GVK)]),
    // The roots live in that namespace too, applied by bootstrap and managed by no Application:
    // without this each root reports itself (and the roots of environments sharing this Argo CD)
    // as orphaned.
    ignoredOrphans: [{ ...groupKind(Application.GVK), name: names.rootApplication('*') }],
  });
}

export class AppsChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    projects(this, props);
    // An environment that shares its cluster with an earlier one owns none of the cluster-wide
    // objects (src/synth/cluster-ownership.ts), so its platform/ folder is empty: an Application
    // for it would only report the missing path as a ComparisonError.
    if (props.platformManifests.length > 0) new PlatformApplication(this, 'platform', { platform: props.platform });
    for (const s of props.systems) {
      new SystemApplication(this, s.ctx.system, {
        platform: props.platform,
        system: s.ctx.system,
        namespace: s.ctx.namespace,
        autoscaledDeployments: s.autoscaledDeployments,
      });
    }
  }
}

/**
 * Lua health check that makes Argo CD wait for a child Application to be healthy before the
 * next sync wave (removed from Argo CD's defaults in 1.8).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app
 */
export const APPLICATION_HEALTH_LUA = [
  'hs = { status = "Progressing", message = "" }',
  'if obj.status ~= nil and obj.status.health ~= nil then',
  '  hs.status = obj.status.health.status',
  '  if obj.status.health.message ~= nil then',
  '    hs.message = obj.status.health.message',
  '  end',
  'end',
  'return hs',
  '',
].join('\n');

export class BootstrapChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const p = props.platform;
    for (const s of props.systems) new k8s.KubeNamespace(this, `namespace-${s.ctx.system}`, { metadata: namespaceMetadata(s.ctx) });
    projects(this, props);
    // Server-side apply of this one key leaves the rest of argocd-cm to its owner.
    new k8s.KubeConfigMap(this, 'argocd-cm', {
      metadata: {
        name: 'argocd-cm',
        namespace: p.argocdNamespace,
        labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
        annotations: { 'gitops-synth/managed-keys': 'resource.customizations.health.argoproj.io_Application', 'app.kubernetes.io/managed-by': MANAGED_BY },
      },
      data: { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA },
    });
    new RootApplication(this, 'root', { platform: p });
  }
}
