/**
 * Object names and labels. Names are a contract: renaming one makes Argo CD delete and
 * recreate the object, so every name is derived here and nowhere else.
 */
import type { SystemContext } from './context';

export const MANAGED_BY = 'gitops-synth';

export const names = {
  component: (ctx: SystemContext, component: string) => `${ctx.system}-${component}`,
  config: (ctx: SystemContext) => `${ctx.system}-config`,
  configFiles: (ctx: SystemContext) => `${ctx.system}-files`,
  secret: (ctx: SystemContext) => `${ctx.system}-secrets`,
  volume: (ctx: SystemContext, volume: string) => `${ctx.system}-${volume}`,
  backupVolume: (ctx: SystemContext, backup: string) => `${ctx.system}-backup-${backup}`,
  backupJob: (ctx: SystemContext, backup: string) => `${ctx.system}-backup-${backup}`,
  maintenanceJob: (ctx: SystemContext, task: string) => `${ctx.system}-${task}`,
  postgres: (ctx: SystemContext) => `${ctx.system}-postgres`,
  redis: (ctx: SystemContext) => `${ctx.system}-redis`,
  migration: (ctx: SystemContext) => `${ctx.system}-migrate`,
  application: (system: string, env: string) => `${system}-${env}`,
  /** The app-of-apps of an environment; `rootApplication('*')` is a glob matching every environment's. */
  rootApplication: (env: string) => `root-${env}`,
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
    'app.kubernetes.io/instance': `${ctx.system}-${ctx.env}`,
    environment: ctx.env,
  };
}

/** The labels that select one workload's pods: stable across releases. */
export function selectorLabels(ctx: SystemContext, workload: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': `${ctx.system}-${workload}`,
    'app.kubernetes.io/instance': `${ctx.system}-${ctx.env}`,
  };
}

/** All labels of a workload and its pods. */
export function workloadLabels(ctx: SystemContext, workload: string): Record<string, string> {
  return { ...systemLabels(ctx), ...selectorLabels(ctx, workload), 'app.kubernetes.io/component': workload };
}
