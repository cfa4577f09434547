/**
 * Every network flow a system needs, derived from its spec. NetworkPolicies allow exactly
 * these flows and nothing else, and tests check each one against the spec that asked for it.
 */
import { cacheMode, componentsOf, databaseMode, SystemContext } from './context';
import { CACHE, DATABASE } from '../spec/rules';
import { HTTP01_SOLVER_PORT, POSTGRES_PORT, REDIS_PORT } from './connections';
import { jobFlows, jobWorkloadNames, MIGRATE } from './jobs';
import { needsHttp01Solver } from './routes';

export const POSTGRES = 'postgres';
export const REDIS = 'redis';
export { MIGRATE };

/**
 * Where a flow starts or ends. `workload` is a pod group of the system itself;
 * `ingress-controller` is the platform's edge proxy (ingress-nginx or the Gateway's pods);
 * `acme-solver` the HTTP-01 solver pods cert-manager starts in the namespace.
 */
export type Peer =
  | { readonly kind: 'workload'; readonly name: string }
  | { readonly kind: 'ingress-controller' }
  | { readonly kind: 'acme-solver' }
  | { readonly kind: 'prometheus' }
  | { readonly kind: 'keda' }
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

/** Workloads started by CronJobs, hooks and restores (src/model/jobs.ts). */
export function jobWorkloads(ctx: SystemContext): string[] {
  return jobWorkloadNames(ctx);
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

/**
 * Flows are worked out once per context: the network policies, the ACME solver's policy and
 * the policy gate all read them (a context and its spec are never changed once made).
 */
const flowsOf = new WeakMap<SystemContext, readonly Flow[]>();

export function systemFlows(ctx: SystemContext): readonly Flow[] {
  let flows = flowsOf.get(ctx);
  if (flows === undefined) {
    flows = computeFlows(ctx);
    flowsOf.set(ctx, flows);
  }
  return flows;
}

function computeFlows(ctx: SystemContext): Flow[] {
  const flows: Flow[] = [];
  const seenRoute = new Set<string>();
  (ctx.spec.ingress?.routes ?? []).forEach((route, i) => {
    if (seenRoute.has(route.component)) return;
    seenRoute.add(route.component);
    const port = ctx.spec.components[route.component].port!;
    flows.push({ from: { kind: 'ingress-controller' }, to: workload(route.component), port, protocol: 'TCP', reason: `ingress.routes[${i}]` });
  });
  // The ACME server fetches the HTTP-01 token through the edge proxy, which must reach the
  // solver pod under the namespace's default deny, or no certificate is ever issued.
  if (needsHttp01Solver(ctx)) {
    flows.push({ from: { kind: 'ingress-controller' }, to: { kind: 'acme-solver' }, port: HTTP01_SOLVER_PORT, protocol: 'TCP', reason: 'ingress.tls' });
  }
  for (const [name, c] of componentsOf(ctx)) {
    if (c.metrics !== undefined) {
      flows.push({ from: { kind: 'prometheus' }, to: workload(name), port: c.port!, protocol: 'TCP', reason: `components.${name}.metrics` });
    }
    flows.push(...outgoing(ctx, name, name, `components.${name}`));
    // KEDA's operator reads the queue length itself; an external Redis is outside our policies.
    if (c.keda !== undefined && cacheMode(ctx) === 'in-cluster') {
      flows.push({ from: { kind: 'keda' }, to: workload(REDIS), port: REDIS_PORT, protocol: 'TCP', reason: `components.${name}.keda` });
    }
  }
  if (ctx.spec.migrations !== undefined) flows.push(...outgoing(ctx, MIGRATE, ctx.spec.migrations.component, `components.${ctx.spec.migrations.component}`));
  // A user job reaches what its component reaches, for the reasons the component gives.
  for (const job of ctx.spec.jobs ?? []) flows.push(...outgoing(ctx, job.name, job.component, `components.${job.component}`));
  flows.push(...jobFlows(ctx));
  for (const name of allWorkloads(ctx)) {
    for (const protocol of ['UDP', 'TCP'] as const) {
      flows.push({ from: workload(name), to: { kind: 'dns' }, port: 53, protocol, reason: 'name resolution' });
    }
  }
  return flows;
}
