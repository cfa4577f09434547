/**
 * NetworkPolicies: a default deny of all ingress and egress in the namespace, then one policy
 * per workload that allows exactly its flows (src/model/flows.ts). One policy per workload
 * with both directions is also what Polaris counts as covering a pod.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { allWorkloads, Flow, Peer, systemFlows } from '../src/model/flows';
import { names, selectorLabels } from '../src/model/names';
import { HTTP01_SOLVER_LABELS } from '../src/model/routes';
import { edgePeer } from './edge-peer';
import { objectMeta, WAVE } from './meta';

/** Cloud metadata endpoints are never a legitimate destination of app egress. */
export const EGRESS_EXCEPT = ['169.254.169.254/32'];

export interface NetworkPoliciesProps {
  readonly ctx: SystemContext;
}

export function peerSelector(ctx: SystemContext, peer: Peer): k8s.NetworkPolicyPeer {
  switch (peer.kind) {
    case 'workload':
      return { podSelector: { matchLabels: selectorLabels(ctx, peer.name) } };
    case 'ingress-controller':
      return edgePeer(ctx.platform);
    case 'acme-solver':
      return { podSelector: { matchLabels: { ...HTTP01_SOLVER_LABELS } } };
    case 'prometheus':
      return {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ctx.platform.monitoringNamespace } },
        podSelector: { matchLabels: ctx.platform.prometheusPodLabels },
      };
    case 'keda':
      return {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ctx.platform.kedaNamespace } },
        podSelector: { matchLabels: ctx.platform.kedaOperatorPodLabels },
      };
    case 'dns':
      // Cluster DNS lives in kube-system; both selectors in one entry mean "these pods there".
      return {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      };
    case 'external':
      return { ipBlock: { cidr: '0.0.0.0/0', except: EGRESS_EXCEPT } };
  }
}

function peerKey(peer: Peer): string {
  return peer.kind === 'workload' ? `workload:${peer.name}` : peer.kind;
}

/** Rules grouped by peer, ports sorted, so each peer appears once. */
function rules(ctx: SystemContext, flows: Flow[], peerOf: (f: Flow) => Peer): Array<{ peer: k8s.NetworkPolicyPeer; ports: k8s.NetworkPolicyPort[] }> {
  const byPeer = new Map<string, { peer: Peer; ports: Set<string> }>();
  for (const f of flows) {
    const peer = peerOf(f);
    const key = peerKey(peer);
    const entry = byPeer.get(key) ?? { peer, ports: new Set<string>() };
    entry.ports.add(`${f.protocol}/${f.port}`);
    byPeer.set(key, entry);
  }
  return [...byPeer.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, { peer, ports }]) => ({
      peer: peerSelector(ctx, peer),
      ports: [...ports].sort().map((p) => {
        const [protocol, port] = p.split('/');
        return { protocol: protocol as k8s.NetworkPolicyPort['protocol'], port: Number(port) };
      }),
    }));
}

export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const { ctx } = props;
    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: objectMeta(ctx, 'default-deny', WAVE.config),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    const flows = systemFlows(ctx);
    const isWorkload = (p: Peer, name: string) => p.kind === 'workload' && p.name === name;
    for (const workload of allWorkloads(ctx)) {
      const inbound = rules(ctx, flows.filter((f) => isWorkload(f.to, workload)), (f) => f.from);
      const outbound = rules(ctx, flows.filter((f) => isWorkload(f.from, workload)), (f) => f.to);
      new k8s.KubeNetworkPolicy(this, workload, {
        metadata: objectMeta(ctx, names.component(ctx, workload), WAVE.config),
        spec: {
          podSelector: { matchLabels: selectorLabels(ctx, workload) },
          policyTypes: ['Ingress', 'Egress'],
          // An empty list is not stored, so writing [] would differ on every apply; leaving the
          // field out with the policy type set denies that direction all the same.
          ingress: inbound.length > 0 ? inbound.map((r) => ({ from: [r.peer], ports: r.ports })) : undefined,
          egress: outbound.length > 0 ? outbound.map((r) => ({ to: [r.peer], ports: r.ports })) : undefined,
        },
      });
    }
  }
}
