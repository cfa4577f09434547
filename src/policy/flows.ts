/**
 * "Each allowed flow is needed and no other flow is open": every NetworkPolicy rule (peer x
 * port) of a system is a flow of src/model/flows.ts whose reason is a spec field that asks for
 * exactly that flow, and every such flow has its ingress and egress rules.
 */
import { peerSelector } from '../../charts/network-policy';
import { storePort } from '../model/backup-store';
import { HTTP01_SOLVER_PORT, POSTGRES_PORT, REDIS_PORT } from '../model/connections';
import type { SystemContext } from '../model/context';
import { allWorkloads, Flow, MIGRATE, Peer, REDIS, systemFlows } from '../model/flows';
import { API_SERVER_PORTS, RESTORE } from '../model/jobs';
import { names, selectorLabels } from '../model/names';
import { HTTP01_SOLVER_LABELS, needsHttp01Solver } from '../model/routes';
import { Doc, Json } from './objects';
import { isDefaultDeny } from './rules';

/** Key-order-independent JSON, to compare selectors. */
export function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The value at a dotted path with [i] items, e.g. components.web.connectsTo[0]. */
function valueAt(root: Json, path: string): Json {
  let node = root;
  for (const part of path.split('.')) {
    const m = /^([^[]+)((\[\d+\])*)$/.exec(part);
    if (m === null) return undefined;
    node = node?.[m[1]];
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) node = node?.[Number(idx[1])];
  }
  return node;
}

function showPeer(p: Peer): string {
  return p.kind === 'workload' ? p.name : p.kind;
}

/** What a NetworkPolicy of the namespace selects: a workload, or cert-manager's HTTP-01 solver pods. */
function selfKey(p: Peer): string | undefined {
  return p.kind === 'workload' ? p.name : p.kind === 'acme-solver' ? 'acme-solver' : undefined;
}

function showFlow(f: Flow): string {
  return `${showPeer(f.from)} -> ${showPeer(f.to)} ${f.protocol}/${f.port}`;
}

/** Why a flow's reason does not justify it, or undefined when the spec field asks for exactly this flow. */
export function reasonProblem(ctx: SystemContext, f: Flow): string | undefined {
  if (f.to.kind === 'dns') return f.reason === 'name resolution' && f.port === 53 ? undefined : `DNS flow with reason ${f.reason}`;
  // ingress.tls defaults to true, so the field may be absent from the spec and still ask.
  if (f.reason === 'ingress.tls') {
    const asks = needsHttp01Solver(ctx) && f.from.kind === 'ingress-controller' && f.to.kind === 'acme-solver' && f.port === HTTP01_SOLVER_PORT;
    return asks ? undefined : `ingress.tls does not ask for ${showFlow(f)}`;
  }
  const value = valueAt(ctx.spec, f.reason);
  if (value === undefined) return `reason ${f.reason} points at no field of the spec`;
  if (/\.connectsTo\[\d+\]$/.test(f.reason)) {
    const target = f.to.kind === 'workload' ? (f.to.name === 'postgres' ? 'database' : f.to.name === 'redis' ? 'cache' : f.to.name) : f.port === POSTGRES_PORT ? 'database' : 'cache';
    return value === target ? undefined : `${f.reason} is ${JSON.stringify(value)}, not ${target}`;
  }
  if (/\.egress\[\d+\]$/.test(f.reason)) {
    return value.port === f.port && (value.protocol ?? 'TCP') === f.protocol && f.to.kind === 'external' ? undefined : `${f.reason} does not ask for ${showFlow(f)}`;
  }
  if (/^ingress\.routes\[\d+\]$/.test(f.reason)) {
    return f.from.kind === 'ingress-controller' && f.to.kind === 'workload' && value.component === f.to.name ? undefined : `${f.reason} does not route to ${showPeer(f.to)}`;
  }
  if (/^components\.[^.]+\.metrics$/.test(f.reason)) {
    return f.from.kind === 'prometheus' && f.to.kind === 'workload' && f.reason === `components.${f.to.name}.metrics` ? undefined : `${f.reason} does not ask for ${showFlow(f)}`;
  }
  if (/^backups\[\d+\]$/.test(f.reason)) return backupFlowProblem(ctx, f, value);
  if (f.reason === 'migrations') {
    // The pre-migration backup's upload to the object store.
    const store = ctx.platform.backupStore;
    return f.from.kind === 'workload' && f.from.name === MIGRATE && f.to.kind === 'external' && store !== undefined && f.port === storePort(store) ? undefined : `migrations does not ask for ${showFlow(f)}`;
  }
  if (/^components\.[^.]+\.keda$/.test(f.reason)) {
    // KEDA's operator reads the queue: only the in-cluster Redis, only its port.
    return f.from.kind === 'keda' && f.to.kind === 'workload' && f.to.name === REDIS && f.port === REDIS_PORT && value.redisList !== undefined ? undefined : `${f.reason} does not ask for ${showFlow(f)}`;
  }
  return `reason ${f.reason} is not a field that asks for network access`;
}

/**
 * A backup asks for: its job reaching the database (postgres) or cache (redis) it copies and
 * the object store; the restore Job reaching the store, the database, and for SQLite the
 * Kubernetes API (it scales the writer).
 */
function backupFlowProblem(ctx: SystemContext, f: Flow, b: Json): string | undefined {
  const store = ctx.platform.backupStore;
  const toStore = f.to.kind === 'external' && store !== undefined && f.port === storePort(store);
  const from = f.from.kind === 'workload' ? f.from.name : '';
  if (from === names.backupWorkload(b.name)) {
    if (toStore || (b.kind === 'postgres' && f.port === POSTGRES_PORT) || (b.kind === 'redis' && f.port === REDIS_PORT)) return undefined;
  } else if (from === RESTORE) {
    if (toStore || (b.kind === 'postgres' && f.port === POSTGRES_PORT) || (b.kind === 'sqlite' && f.to.kind === 'external' && API_SERVER_PORTS.includes(f.port))) return undefined;
  }
  return `${f.reason} (a ${b.kind} backup) does not ask for ${showFlow(f)}`;
}

interface Opening {
  readonly file: string;
  readonly workload: string;
  readonly direction: 'ingress' | 'egress';
  readonly peer: string;
  readonly port: number;
  readonly protocol: string;
}

/** Every problem of the system's NetworkPolicies against the flows its spec asks for. */
export function checkFlows(ctx: SystemContext, policies: readonly Doc[]): string[] {
  const problems: string[] = [];
  const flows = systemFlows(ctx);
  const workloads = allWorkloads(ctx);
  const openings: Opening[] = [];
  const solverLabels = canonical(HTTP01_SOLVER_LABELS);
  const workloadsBySelector = new Map<string, (typeof workloads)[number]>();
  for (const w of workloads) {
    const key = canonical(selectorLabels(ctx, w));
    if (!workloadsBySelector.has(key)) workloadsBySelector.set(key, w);
  }
  for (const d of policies) {
    if (isDefaultDeny(d.obj)) continue;
    const labels = canonical(d.obj.spec?.podSelector?.matchLabels ?? {});
    const workload = labels === solverLabels ? 'acme-solver' : workloadsBySelector.get(labels);
    if (workload === undefined) {
      problems.push(`${d.file}: selects no workload of the spec`);
      continue;
    }
    for (const direction of ['ingress', 'egress'] as const) {
      (d.obj.spec?.[direction] ?? []).forEach((rule: Json, i: number) => {
        const peers: Json[] = rule[direction === 'ingress' ? 'from' : 'to'] ?? [];
        const ports: Json[] = rule.ports ?? [];
        if (peers.length === 0) problems.push(`${d.file}: ${direction}[${i}] allows every peer`);
        if (ports.length === 0) problems.push(`${d.file}: ${direction}[${i}] allows every port`);
        for (const peer of peers) {
          for (const port of ports) openings.push({ file: d.file, workload, direction, peer: canonical(peer), port: port.port, protocol: port.protocol ?? 'TCP' });
        }
      });
    }
  }
  // Each flow's end points as openings name them, worked out once: matching is openings × flows.
  const keys = new Map(
    flows.map((f) => [
      f,
      {
        ingress: { self: selfKey(f.to), peer: canonical(peerSelector(ctx, f.from)) },
        egress: { self: selfKey(f.from), peer: canonical(peerSelector(ctx, f.to)) },
      },
    ]),
  );
  const matches = (o: Opening, f: Flow): boolean => {
    const k = keys.get(f)![o.direction];
    return f.port === o.port && f.protocol === o.protocol && k.self === o.workload && k.peer === o.peer;
  };
  for (const o of openings) {
    const needed = flows.filter((f) => matches(o, f));
    if (needed.length === 0) problems.push(`${o.file}: ${o.direction} ${o.protocol}/${o.port} with ${o.peer} is open but no spec field asks for it`);
    for (const f of needed) {
      const why = reasonProblem(ctx, f);
      if (why !== undefined) problems.push(`${o.file}: ${showFlow(f)}: ${why}`);
    }
  }
  for (const f of flows) {
    for (const direction of ['egress', 'ingress'] as const) {
      const self = direction === 'ingress' ? f.to : f.from;
      if (selfKey(self) === undefined) continue;
      if (!openings.some((o) => o.direction === direction && matches(o, f))) {
        problems.push(`${ctx.env}/${ctx.system}: ${showFlow(f)} (needed by ${f.reason}) has no ${direction} rule in ${showPeer(self)}'s NetworkPolicy`);
      }
    }
  }
  return problems;
}
