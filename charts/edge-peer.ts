/**
 * The platform's edge proxy as a NetworkPolicy peer: the ingress-nginx controller pods, or the
 * pods of the platform Gateway, depending on the environment's routing.
 */
import type * as k8s from '../imports/kube';
import type { ResolvedPlatform } from '../src/model/context';

export function edgePeer(platform: ResolvedPlatform): k8s.NetworkPolicyPeer {
  if (platform.routing === 'gateway-api') {
    const gateway = platform.gateway;
    if (gateway === undefined) throw new Error(`routing of ${platform.env} is gateway-api but platform.yaml has no 'gateway' section`);
    return {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gateway.namespace } },
      podSelector: { matchLabels: { ...gateway.podLabels } },
    };
  }
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': platform.ingressControllerNamespace } },
    podSelector: { matchLabels: platform.ingressControllerPodLabels },
  };
}
