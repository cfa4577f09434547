/**
 * What every chart needs to know about one system in one environment: the merged spec, the
 * platform settings with their defaults resolved, and the names derived from both.
 */
import type { AppSpec, Component } from '../spec/app-spec.generated';
import type { Certificates, PlatformSpec } from '../spec/platform.generated';
import { resolveBackupStore, ResolvedBackupStore } from './backup-store';
import type { RoutingImplementation } from './routes';
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
  /** Namespace of the KEDA operator, which reads queue lengths. */
  readonly kedaNamespace: string;
  readonly kedaOperatorPodLabels: Record<string, string>;
  /** Whether every image must carry an @sha256 digest in this environment. */
  readonly requireImageDigests: boolean;
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
  /** Off-site object store of the environment; undefined keeps backups in the cluster. */
  readonly backupStore?: ResolvedBackupStore;
  /** How HTTP enters the cluster in this environment. */
  readonly routing: RoutingImplementation;
  /** The platform Gateway (routing gateway-api only). */
  readonly gateway?: ResolvedGateway;
}

/** The platform-owned Gateway that HTTPRoutes attach to. */
export interface ResolvedGateway {
  readonly name: string;
  readonly namespace: string;
  readonly className: string;
  /** Labels of the gateway's proxy pods. */
  readonly podLabels: Record<string, string>;
}

/** The Gateway of platform.yaml with its defaults, or undefined when it has none. */
export function resolveGateway(spec: PlatformSpec): ResolvedGateway | undefined {
  const g = spec.gateway;
  if (g === undefined) return undefined;
  const name = g.name ?? PLATFORM_DEFAULTS.gatewayName;
  return {
    name,
    namespace: g.namespace ?? PLATFORM_DEFAULTS.gatewayNamespace,
    className: g.className,
    // Gateway API asks implementations to label the proxies they deploy for a Gateway so (GEP-1762).
    podLabels: g.podLabels ?? { 'gateway.networking.k8s.io/gateway-name': name },
  };
}

/** The routing of one environment: its own, else the platform's, else ingress-nginx. */
export function routingOf(spec: PlatformSpec, env: string): RoutingImplementation {
  return spec.environments[env]?.routing ?? spec.routing ?? PLATFORM_DEFAULTS.routing;
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
    kedaNamespace: spec.keda?.namespace ?? d.kedaNamespace,
    kedaOperatorPodLabels: spec.keda?.operatorPodLabels ?? d.kedaOperatorPodLabels,
    requireImageDigests: envSpec.requireImageDigests ?? false,
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
    backupStore: resolveBackupStore(spec, env),
    routing: routingOf(spec, env),
    gateway: routingOf(spec, env) === 'gateway-api' ? resolveGateway(spec) : undefined,
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

/**
 * A system's context from its name and namespace setting, the merged spec made by `spec` on
 * first read: incremental synth hands on the summaries of pairs it reuses with one, and the
 * environment folders never read their spec (src/synth/incremental.ts).
 */
export function deferredSystemContext(facts: Pick<AppSpec, 'name' | 'namespace'>, platform: ResolvedPlatform, spec: () => AppSpec): SystemContext {
  let made: AppSpec | undefined;
  return {
    system: facts.name,
    env: platform.env,
    namespace: names.namespace(facts.name, platform.env, facts.namespace),
    get spec() {
      return (made ??= spec());
    },
    platform,
  };
}

/** Whether a component runs exactly one pod and never two at once. */
export function isSingleton(ctx: SystemContext, name: string): boolean {
  const db = ctx.spec.database;
  return ctx.spec.components[name].singleton === true || (db?.engine === 'sqlite' && db.writer === name);
}

/**
 * Whether something other than the Deployment owns a component's replica count: a
 * HorizontalPodAutoscaler (`autoscaling`) or KEDA's HPA behind a ScaledObject (`keda`).
 * A singleton is never autoscaled.
 */
export function isAutoscaled(ctx: SystemContext, name: string): boolean {
  const c = ctx.spec.components[name];
  return (c.autoscaling !== undefined || c.keda !== undefined) && !isSingleton(ctx, name);
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
