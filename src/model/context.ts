/**
 * What every chart needs to know about one system in one environment: the merged spec, the
 * platform settings with their defaults resolved, and the names derived from both.
 */
import type { AppSpec, Component } from '../spec/app-spec.generated';
import type { Certificates, PlatformSpec } from '../spec/platform.generated';
import { DEFAULTS, PLATFORM_DEFAULTS } from './defaults';
import { names } from './names';

/** Platform settings of one environment, every default applied. */
export interface ResolvedPlatform {
  readonly env: string;
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly distPath: string;
  readonly cluster: string;
  readonly argocdNamespace: string;
  readonly ingressClassName: string;
  readonly ingressControllerNamespace: string;
  readonly ingressControllerPodLabels: Record<string, string>;
  readonly monitoringNamespace: string;
  readonly prometheusPodLabels: Record<string, string>;
  readonly ruleLabels: Record<string, string>;
  readonly dashboardLabel: string;
  readonly storageClassName: string;
  readonly storageReplicas: number;
  readonly diskSelector?: string;
  readonly staleReplicaTimeoutMinutes: number;
  readonly backupGroup: string;
  readonly backupSchedule: string;
  readonly backupRetain: number;
  readonly certificates?: Certificates;
}

export function resolvePlatform(spec: PlatformSpec, env: string): ResolvedPlatform {
  const envSpec = spec.environments[env];
  if (envSpec === undefined) throw new Error(`environment ${env} is not in platform.yaml`);
  const d = PLATFORM_DEFAULTS;
  return {
    env,
    repoURL: spec.repoURL,
    targetRevision: spec.targetRevision,
    distPath: spec.distPath ?? d.distPath,
    cluster: envSpec.cluster,
    argocdNamespace: spec.argocd?.namespace ?? d.argocdNamespace,
    ingressClassName: spec.ingress?.className ?? d.ingressClassName,
    ingressControllerNamespace: spec.ingress?.controllerNamespace ?? d.ingressControllerNamespace,
    ingressControllerPodLabels: spec.ingress?.controllerPodLabels ?? d.ingressControllerPodLabels,
    monitoringNamespace: spec.monitoring?.namespace ?? d.monitoringNamespace,
    prometheusPodLabels: spec.monitoring?.prometheusPodLabels ?? d.prometheusPodLabels,
    ruleLabels: spec.monitoring?.ruleLabels ?? d.ruleLabels,
    dashboardLabel: spec.monitoring?.dashboardLabel ?? d.dashboardLabel,
    storageClassName: spec.storage?.className ?? d.storageClassName,
    storageReplicas: spec.storage?.replicas ?? d.storageReplicas,
    diskSelector: spec.storage?.diskSelector,
    staleReplicaTimeoutMinutes: spec.storage?.staleReplicaTimeoutMinutes ?? d.staleReplicaTimeoutMinutes,
    backupGroup: spec.storage?.backupGroup ?? d.backupGroup,
    backupSchedule: spec.storage?.backupSchedule ?? d.backupSchedule,
    backupRetain: spec.storage?.backupRetain ?? d.backupRetain,
    certificates: envSpec.certificates ?? spec.certificates,
  };
}

/** One system in one environment, as the charts see it. */
export interface SystemContext {
  /** System name from the spec, e.g. `magnetiq`. */
  readonly system: string;
  readonly env: string;
  readonly namespace: string;
  /** The spec with this environment's overrides merged in. */
  readonly spec: AppSpec;
  readonly platform: ResolvedPlatform;
}

export function systemContext(spec: AppSpec, platform: ResolvedPlatform): SystemContext {
  return {
    system: spec.name,
    env: platform.env,
    namespace: names.namespace(spec.name, platform.env, spec.namespace),
    spec,
    platform,
  };
}

/** Whether a component runs exactly one pod and never two at once. */
export function isSingleton(ctx: SystemContext, name: string): boolean {
  const db = ctx.spec.database;
  return ctx.spec.components[name].singleton === true || (db?.engine === 'sqlite' && db.writer === name);
}

/** Whether a component gets a HorizontalPodAutoscaler (a singleton never does). */
export function isAutoscaled(ctx: SystemContext, name: string): boolean {
  return ctx.spec.components[name].autoscaling !== undefined && !isSingleton(ctx, name);
}

/** Components sorted by name, so output never depends on the order of keys in a spec. */
export function componentsOf(ctx: SystemContext): Array<[string, Component]> {
  return Object.entries(ctx.spec.components).sort(([a], [b]) => a.localeCompare(b));
}

export function databaseMode(ctx: SystemContext): 'in-cluster' | 'external' | undefined {
  const db = ctx.spec.database;
  if (db?.engine !== 'postgres') return undefined;
  return db.mode ?? 'in-cluster';
}

export function cacheMode(ctx: SystemContext): 'in-cluster' | 'external' | undefined {
  const cache = ctx.spec.cache;
  if (cache === undefined) return undefined;
  return cache.mode ?? 'in-cluster';
}

export { DEFAULTS };
