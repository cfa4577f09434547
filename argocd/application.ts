/**
 * Argo CD Applications: one per system and environment, one for the environment's platform
 * objects, and the root app-of-apps that syncs them all from dist/<env>/apps.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/cluster-bootstrapping/
 */
import { Construct } from 'constructs';
import { Application, ApplicationSpec } from '../imports/argocd';
import { POD_SECURITY_LABELS } from '../charts/namespace';
import { APP_WAVE, SYNC_OPTION, SYNC_WAVE } from '../charts/meta';
import { LONGHORN_NAMESPACE } from '../charts/platform-chart';
import type { ResolvedPlatform } from '../src/model/context';
import { MANAGED_BY, names } from '../src/model/names';

/** Where Argo CD itself runs: child Applications and projects live in that cluster. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** The seed's retry backoff: 5 tries, 5 s doubling up to 3 min. */
export const RETRY = { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } };

/**
 * Deletes an Application's resources, foreground, when the Application is deleted (cascade).
 * The path form is the one the API server accepts without a "domain-qualified finalizer" warning.
 */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io/foreground';

export function distFolder(platform: ResolvedPlatform, folder: string): string {
  return `${platform.distPath}/${platform.env}/${folder}`;
}

function labels(platform: ResolvedPlatform): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': MANAGED_BY, environment: platform.env };
}

/**
 * Source of a dist/ folder: manifests only, so the Markdown pages beside them are never parsed.
 * `recurse` is left out rather than set to false: Argo CD drops a false `recurse` when it
 * rewrites an Application at the start of an auto-sync, so a written `false` would make the
 * parent app-of-apps see its children OutOfSync until it applied them again.
 */
function source(platform: ResolvedPlatform, folder: string): ApplicationSpec['source'] {
  return {
    repoURL: platform.repoURL,
    targetRevision: platform.targetRevision,
    path: distFolder(platform, folder),
    directory: { include: '*.yaml' },
  };
}

export interface SystemApplicationProps {
  readonly platform: ResolvedPlatform;
  readonly system: string;
  readonly namespace: string;
  /** Deployments scaled by an HPA, whose /spec/replicas Argo CD must not reset. */
  readonly autoscaledDeployments: readonly string[];
}

export class SystemApplication extends Construct {
  constructor(scope: Construct, id: string, props: SystemApplicationProps) {
    super(scope, id);
    const { platform: p } = props;
    new Application(this, 'application', {
      metadata: {
        name: names.application(props.system, p.env),
        namespace: p.argocdNamespace,
        labels: { ...labels(p), 'app.kubernetes.io/part-of': props.system },
        annotations: { [SYNC_WAVE]: String(APP_WAVE.systems) },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: names.project(p.env, 'systems'),
        source: source(p, props.system),
        destination: { server: p.cluster, namespace: props.namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true, allowEmpty: false },
          syncOptions: [
            SYNC_OPTION.createNamespace,
            SYNC_OPTION.prunePropagationForeground,
            SYNC_OPTION.pruneLast,
            SYNC_OPTION.respectIgnoreDifferences,
            SYNC_OPTION.serverSideApply,
          ],
          managedNamespaceMetadata: { labels: { ...POD_SECURITY_LABELS } },
          retry: RETRY,
        },
        // Safety net: the Deployments already omit replicas, the HPA owns the count.
        ignoreDifferences: props.autoscaledDeployments.length
          ? props.autoscaledDeployments.map((name) => ({ group: 'apps', kind: 'Deployment', name, jsonPointers: ['/spec/replicas'] }))
          : undefined,
        revisionHistoryLimit: 10,
      },
    });
  }
}

export interface PlatformApplicationProps {
  readonly platform: ResolvedPlatform;
}

/** The environment's cluster-wide objects (StorageClass, RecurringJob, ClusterIssuer), synced first. */
export class PlatformApplication extends Construct {
  constructor(scope: Construct, id: string, props: PlatformApplicationProps) {
    super(scope, id);
    const { platform: p } = props;
    new Application(this, 'application', {
      metadata: {
        name: names.platformApplication(p.env),
        namespace: p.argocdNamespace,
        labels: { ...labels(p), 'app.kubernetes.io/part-of': 'platform' },
        annotations: { [SYNC_WAVE]: String(APP_WAVE.platform) },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: names.project(p.env, 'platform'),
        source: source(p, 'platform'),
        destination: { server: p.cluster, namespace: LONGHORN_NAMESPACE },
        syncPolicy: {
          automated: { prune: true, selfHeal: true, allowEmpty: false },
          syncOptions: [SYNC_OPTION.pruneLast, SYNC_OPTION.serverSideApply],
          retry: RETRY,
        },
        revisionHistoryLimit: 10,
      },
    });
  }
}

export interface RootApplicationProps {
  readonly platform: ResolvedPlatform;
}

/** The app-of-apps of one environment: syncs the projects and Applications in dist/<env>/apps. */
export class RootApplication extends Construct {
  constructor(scope: Construct, id: string, props: RootApplicationProps) {
    super(scope, id);
    const { platform: p } = props;
    new Application(this, 'application', {
      metadata: {
        name: names.rootApplication(p.env),
        namespace: p.argocdNamespace,
        labels: { ...labels(p), 'app.kubernetes.io/part-of': 'root' },
      },
      spec: {
        project: names.project(p.env, 'platform'),
        source: source(p, 'apps'),
        destination: { server: IN_CLUSTER, namespace: p.argocdNamespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true, allowEmpty: false },
          // Server-side, like bootstrap, which applies the same AppProjects first: one apply mode
          // for both writers (client-side apply would warn about the missing last-applied annotation).
          syncOptions: [SYNC_OPTION.pruneLast, SYNC_OPTION.serverSideApply],
          retry: RETRY,
        },
        revisionHistoryLimit: 10,
      },
    });
  }
}
