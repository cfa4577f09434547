/**
 * "Each allowed flow is needed and no other flow is open": every NetworkPolicy rule (peer x
 * port) of a system is a flow of src/model/flows.ts whose reason is a spec field that asks for
 * exactly that flow, and every such flow has its ingress and egress rules.
 */
import { peerSelector } from '../../charts/network-policy';
import { POSTGRES_PORT } from '../../charts/connections';
import type { SystemContext } from '../model/context';
import { allWorkloads, Flow, Peer, systemFlows } from '../model/flows';
import { selectorLabels } from '../model/names';
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

function showFlow(f: Flow): string {
  return `${showPeer(f.from)} -> ${showPeer(f.to)} ${f.protocol}/${f.port}`;
}

/** Why a flow's reason does not justify it, or undefined when the spec field asks for exactly this flow. */
export function reasonProblem(ctx: SystemContext, f: Flow): string | undefined {
  if (f.to.kind === 'dns') return f.reason === 'name resolution' && f.port === 53 ? undefined : `DNS flow with reason ${f.reason}`;
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
  if (/^backups\[\d+\]$/.test(f.reason)) return value.kind === 'postgres' && f.port === POSTGRES_PORT ? undefined : `${f.reason} is not a postgres backup`;
  return `reason ${f.reason} is not a field that asks for network access`;
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
  for (const d of policies) {
    if (isDefaultDeny(d.obj)) continue;
    const labels = canonical(d.obj.spec?.podSelector?.matchLabels ?? {});
    const workload = workloads.find((w) => canonical(selectorLabels(ctx, w)) === labels);
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
  const matches = (o: Opening, f: Flow): boolean => {
    const self = o.direction === 'ingress' ? f.to : f.from;
    const other = o.direction === 'ingress' ? f.from : f.to;
    return self.kind === 'workload' && self.name === o.workload && canonical(peerSelector(ctx, other)) === o.peer && f.port === o.port && f.protocol === o.protocol;
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
      if (self.kind !== 'workload') continue;
      if (!openings.some((o) => o.direction === direction && matches(o, f))) {
        problems.push(`${ctx.env}/${ctx.system}: ${showFlow(f)} (needed by ${f.reason}) has no ${direction} rule in ${self.name}'s NetworkPolicy`);
      }
    }
  }
  return problems;
}
