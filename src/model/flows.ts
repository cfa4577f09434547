/**
 * Every network flow a system needs, derived from its spec. NetworkPolicies allow exactly
 * these flows and nothing else, and tests check each one against the spec that asked for it.
 */
import { cacheMode, componentsOf, databaseMode, SystemContext } from './context';
import { CACHE, DATABASE } from '../spec/rules';
import { POSTGRES_PORT, REDIS_PORT } from '../../charts/connections';
import { names } from './names';

export const POSTGRES = 'postgres';
export const REDIS = 'redis';
export const MIGRATE = 'migrate';

/** Where a flow starts or ends. `workload` is a pod group of the system itself. */
export type Peer =
  | { readonly kind: 'workload'; readonly name: string }
  | { readonly kind: 'ingress-controller' }
  | { readonly kind: 'prometheus' }
  | { readonly kind: 'dns' }
  | { readonly kind: 'external' };

export interface Flow {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** The spec field that asks for the flow. */
  readonly reason: string;
}

/** Long-running workloads (Deployments and StatefulSets), by workload name. */
export function longRunningWorkloads(ctx: SystemContext): string[] {
  const out = componentsOf(ctx).map(([name]) => name);
  if (databaseMode(ctx) === 'in-cluster') out.push(POSTGRES);
  if (cacheMode(ctx) === 'in-cluster') out.push(REDIS);
  return out;
}

/** Workloads started by CronJobs and hooks. */
export function jobWorkloads(ctx: SystemContext): string[] {
  const out = (ctx.spec.backups ?? []).map((b) => names.backupWorkload(b.name));
  out.push(...(ctx.spec.maintenance ?? []).map((t) => t.name));
  if (ctx.spec.migrations !== undefined) out.push(MIGRATE);
  return out;
}

export function allWorkloads(ctx: SystemContext): string[] {
  return [...longRunningWorkloads(ctx), ...jobWorkloads(ctx)].sort();
}

const workload = (name: string): Peer => ({ kind: 'workload', name });

function outgoing(ctx: SystemContext, from: string, component: string, at: string): Flow[] {
  const c = ctx.spec.components[component];
  const flows: Flow[] = [];
  (c.connectsTo ?? []).forEach((target, i) => {
    const reason = `${at}.connectsTo[${i}]`;
    if (target === DATABASE) {
      flows.push({ from: workload(from), to: databaseMode(ctx) === 'external' ? { kind: 'external' } : workload(POSTGRES), port: POSTGRES_PORT, protocol: 'TCP', reason });
    } else if (target === CACHE) {
      flows.push({ from: workload(from), to: cacheMode(ctx) === 'external' ? { kind: 'external' } : workload(REDIS), port: REDIS_PORT, protocol: 'TCP', reason });
    } else {
      flows.push({ from: workload(from), to: workload(target), port: ctx.spec.components[target].port!, protocol: 'TCP', reason });
    }
  });
  (c.egress ?? []).forEach((rule, i) => {
    flows.push({ from: workload(from), to: { kind: 'external' }, port: rule.port, protocol: rule.protocol ?? 'TCP', reason: `${at}.egress[${i}]` });
  });
  return flows;
}

export function systemFlows(ctx: SystemContext): Flow[] {
  const flows: Flow[] = [];
  const seenRoute = new Set<string>();
  (ctx.spec.ingress?.routes ?? []).forEach((route, i) => {
    if (seenRoute.has(route.component)) return;
    seenRoute.add(route.component);
    const port = ctx.spec.components[route.component].port!;
    flows.push({ from: { kind: 'ingress-controller' }, to: workload(route.component), port, protocol: 'TCP', reason: `ingress.routes[${i}]` });
  });
  for (const [name, c] of componentsOf(ctx)) {
    if (c.metrics !== undefined) {
      flows.push({ from: { kind: 'prometheus' }, to: workload(name), port: c.port!, protocol: 'TCP', reason: `components.${name}.metrics` });
    }
    flows.push(...outgoing(ctx, name, name, `components.${name}`));
  }
  if (ctx.spec.migrations !== undefined) flows.push(...outgoing(ctx, MIGRATE, ctx.spec.migrations.component, `components.${ctx.spec.migrations.component}`));
  (ctx.spec.backups ?? []).forEach((b, i) => {
    if (b.kind !== 'postgres') return;
    const to: Peer = databaseMode(ctx) === 'external' ? { kind: 'external' } : workload(POSTGRES);
    flows.push({ from: workload(names.backupWorkload(b.name)), to, port: POSTGRES_PORT, protocol: 'TCP', reason: `backups[${i}]` });
  });
  for (const name of allWorkloads(ctx)) {
    for (const protocol of ['UDP', 'TCP'] as const) {
      flows.push({ from: workload(name), to: { kind: 'dns' }, port: 53, protocol, reason: 'name resolution' });
    }
  }
  return flows;
}
