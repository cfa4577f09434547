/**
 * The ACME challenge solver of the platform's ClusterIssuer:
 * - HTTP-01 through the routing of the environment: an Ingress of the ingress-nginx class, or
 *   an HTTPRoute on the platform Gateway's HTTP listener (cert-manager with Gateway API
 *   support enabled). Solver pods then need the NetworkPolicy of charts/acme-solver-policy.ts.
 * - DNS-01 through the DNS provider's API when platform.yaml sets `certificates.dns01`: no
 *   solver pods, no inbound flow. Credentials come by Secret reference only; the Secret lives
 *   in cert-manager's namespace and is created outside git.
 * @see https://cert-manager.io/docs/configuration/acme/
 */
import type { ClusterIssuerSpec } from '../imports/cert-manager';
import { GATEWAY_API_GROUP } from '../imports/gateway-api';
import type { ResolvedPlatform } from '../src/model/context';
import { names } from '../src/model/names';
import type { Dns01 } from '../src/spec/platform.generated';

type Solver = NonNullable<NonNullable<ClusterIssuerSpec['acme']>['solvers']>[number];

function dns01Solver(dns01: Dns01): Solver {
  switch (dns01.provider) {
    case 'cloudflare':
      return { dns01: { cloudflare: { apiTokenSecretRef: { ...dns01.apiTokenSecretRef! } } } };
    case 'route53':
      return {
        dns01: {
          route53: {
            region: dns01.region!,
            ...(dns01.hostedZoneID !== undefined ? { hostedZoneID: dns01.hostedZoneID } : {}),
            // Without keys cert-manager uses ambient credentials (IRSA, instance profile).
            ...(dns01.accessKeyIDSecretRef !== undefined ? { accessKeyIDSecretRef: { ...dns01.accessKeyIDSecretRef } } : {}),
            ...(dns01.secretAccessKeySecretRef !== undefined ? { secretAccessKeySecretRef: { ...dns01.secretAccessKeySecretRef } } : {}),
          },
        },
      };
  }
}

/** The one solver of the environment's ClusterIssuer. */
export function acmeSolver(p: ResolvedPlatform): Solver {
  const dns01 = p.certificates?.dns01;
  if (dns01 !== undefined) return dns01Solver(dns01);
  if (p.routing === 'gateway-api') {
    const g = p.gateway;
    if (g === undefined) throw new Error(`routing of ${p.env} is gateway-api but platform.yaml has no 'gateway' section`);
    return {
      http01: {
        gatewayHTTPRoute: {
          parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: g.name, namespace: g.namespace, sectionName: names.httpListener }],
        },
      },
    };
  }
  return { http01: { ingress: { class: p.ingressClassName } } };
}
