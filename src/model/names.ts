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
  /** Restore Job of one backup, and the Role/RoleBinding `npm run restore` writes beside it. */
  restoreJob: (ctx: Named, backup: string) => `${ctx.system}-restore-${backup}`,
  /** PrometheusRule of the backup alerts, and of the ready-made standard alerts. */
  backupRules: (ctx: Named) => `${ctx.system}-backups`,
  standardRules: (ctx: Named) => `${ctx.system}-standard-alerts`,
  /** Secret with the object store's key pair, in the system's namespace. */
  backupStoreSecret: (ctx: Named) => `${ctx.system}-backup-store`,
  /** Folder of one backup's copies inside the environment's bucket (not an object name, but a contract too). */
  backupPrefix: (ctx: Placed, backup: string) => `${ctx.system}/${ctx.env}/${backup}`,
  /** Start of the file names of one backup's copies (`<system>-<backup>-<stamp>...`), which the restore script looks for. */
  backupFilePrefix: (ctx: Named, backup: string) => `${ctx.system}-${backup}`,
  /** The Ingress of a system's routes without a rate limit of their own. */
  ingress: (ctx: Named) => ctx.system,
  /** The ConfigMap of response headers ingress-nginx adds. */
  responseHeaders: (ctx: Named) => `${ctx.system}-response-headers`,
  /** The Secret cert-manager writes the certificate of every host of the system to. */
  tlsSecret: (ctx: Named) => `${ctx.system}-tls`,
  /** The PrometheusRule of a system's alerts. */
  alerts: (ctx: Named) => ctx.system,
  /** The ConfigMap holding the Grafana dashboard. */
  dashboard: (ctx: Named) => `${ctx.system}-dashboard`,
  application: (system: string, env: string) => `${system}-${env}`,
  /** Folder `npm run restore` writes a restore Job to, unless --out names another. */
  restoreFolder: (system: string, env: string) => `restore-${system}-${env}`,
  platformApplication: (env: string) => `platform-${env}`,
  /** The app-of-apps of an environment; `rootApplication('*')` is a glob matching every environment's. */
  rootApplication: (env: string) => `root-${env}`,
  /** AppProject of an environment's systems or of its platform. */
  project: (env: string, kind: 'systems' | 'platform') => `${env}-${kind}`,
  /** KEDA TriggerAuthentication of a component's queue trigger. */
  queueAuth: (ctx: Named, component: string) => `${names.component(ctx, component)}-queue`,
  /** The dockerconfigjson Secret pods pull images with (seed 002 calls it registry-credentials). */
  registrySecret: (ctx: Pick<SystemContext, 'spec'>) => ctx.spec.imagePullSecret?.name ?? 'registry-credentials',
  /** A user CronJob, or a one-off Job named after its pod template (see charts/user-jobs.ts). */
  userJob: (ctx: Named, job: string, templateHash?: string) =>
    templateHash === undefined ? names.component(ctx, job) : `${names.component(ctx, job)}-${templateHash}`,
  /** Ingress of a route with its own rate limit: /api/v1/auth/ -> <system>-api-v1-auth. */
  ingressForPath: (system: string, path: string) => {
    const slug = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
    return `${system}-${slug === '' ? 'root' : slug}`.slice(0, 63).replace(/-$/, '');
  },
  /** Ingress or HTTPRoute that redirects one host: www.example.com -> <system>-redirect-www-example-com. */
  redirectRoute: (ctx: Named, host: string) => `${ctx.system}-redirect-${host.replace(/\./g, '-')}`.slice(0, 63).replace(/-$/, ''),
  /** NetworkPolicy that lets the edge proxy reach cert-manager's HTTP-01 solver pods. */
  acmeSolverPolicy: (ctx: Named) => `${ctx.system}-acme-http01-solver`,
  /** HTTPRoute of the system's paths. */
  httpRoute: (ctx: Named) => ctx.system,
  /** Gateway listener of a host: a host name is itself a valid section name. */
  httpsListener: (host: string) => `https-${host}`,
  /** Gateway listener of plain HTTP, shared by every host. */
  httpListener: 'http',
  /** HTTPRoute of the platform Gateway that sends plain HTTP to HTTPS. */
  httpsRedirectRoute: 'https-redirect',
  /** Secret of the ACME account key of a ClusterIssuer. */
  acmeAccountKey: (issuer: string) => `${issuer}-account-key`,
};

/** Cluster-wide PriorityClass of databases and API backends, owned by the platform Application. */
export const PRIORITY_CLASS = 'gitops-synth-critical';

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
