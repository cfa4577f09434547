/**
 * Object names and labels. Names are a contract: renaming one makes Argo CD delete and
 * recreate the object, so every name is derived here and nowhere else.
 */
import type { SystemContext } from './context';

export const MANAGED_BY = 'gitops-synth';

/** What a system-level name depends on: only the system's name (spec rules call these before a context exists). */
type Named = Pick<SystemContext, 'system'>;
/** What an environment-level name depends on. */
type Placed = Pick<SystemContext, 'system' | 'env'>;

export const names = {
  /** The namespace of a system in an environment: the spec's `namespace`, or `<system>-<env>`. */
  namespace: (system: string, env: string, override?: string) => override ?? `${system}-${env}`,
  /** One system in one environment: the `app.kubernetes.io/instance` label and the dashboard file. */
  instance: (ctx: Placed) => `${ctx.system}-${ctx.env}`,
  component: (ctx: Named, component: string) => `${ctx.system}-${component}`,
  config: (ctx: Named) => `${ctx.system}-config`,
  configFiles: (ctx: Named) => `${ctx.system}-files`,
  secret: (ctx: Named) => `${ctx.system}-secrets`,
  volume: (ctx: Named, volume: string) => `${ctx.system}-${volume}`,
  /** The workload (pods, ServiceAccount, NetworkPolicy key) of a backup: `backup-<name>`. */
  backupWorkload: (backup: string) => `backup-${backup}`,
  backupVolume: (ctx: Named, backup: string) => `${ctx.system}-backup-${backup}`,
  backupJob: (ctx: Named, backup: string) => names.component(ctx, names.backupWorkload(backup)),
  maintenanceJob: (ctx: Named, task: string) => names.component(ctx, task),
  postgres: (ctx: Named) => `${ctx.system}-postgres`,
  redis: (ctx: Named) => `${ctx.system}-redis`,
  migration: (ctx: Named) => `${ctx.system}-migrate`,
  /** The Ingress of a system's routes without a rate limit of their own. */
  ingress: (ctx: Named) => ctx.system,
  /** The ConfigMap of response headers ingress-nginx adds. */
  responseHeaders: (ctx: Named) => `${ctx.system}-response-headers`,
  /** The Secret cert-manager writes the ingress certificate to. */
  tlsSecret: (ctx: Named) => `${ctx.system}-tls`,
  /** The PrometheusRule of a system's alerts. */
  alerts: (ctx: Named) => ctx.system,
  /** The ConfigMap holding the Grafana dashboard. */
  dashboard: (ctx: Named) => `${ctx.system}-dashboard`,
  application: (system: string, env: string) => `${system}-${env}`,
  platformApplication: (env: string) => `platform-${env}`,
  rootApplication: (env: string) => `root-${env}`,
  /** AppProject of an environment's systems or of its platform. */
  project: (env: string, kind: 'systems' | 'platform') => `${env}-${kind}`,
  /** Ingress of a route with its own rate limit: /api/v1/auth/ -> <system>-api-v1-auth. */
  ingressForPath: (system: string, path: string) => {
    const slug = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
    return `${system}-${slug === '' ? 'root' : slug}`.slice(0, 63).replace(/-$/, '');
  },
};

/** Labels every object of the system carries. */
export function systemLabels(ctx: SystemContext): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': ctx.system,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/instance': names.instance(ctx),
    environment: ctx.env,
  };
}

/** The labels that select one workload's pods: stable across releases. */
export function selectorLabels(ctx: SystemContext, workload: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': names.component(ctx, workload),
    'app.kubernetes.io/instance': names.instance(ctx),
  };
}

/** All labels of a workload and its pods. */
export function workloadLabels(ctx: SystemContext, workload: string): Record<string, string> {
  return { ...systemLabels(ctx), ...selectorLabels(ctx, workload), 'app.kubernetes.io/component': workload };
}
