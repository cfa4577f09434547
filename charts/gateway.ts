/**
 * The platform-owned Gateway of one environment (routing gateway-api): a plain HTTP listener
 * shared by every host, whose one route redirects to HTTPS, and one HTTPS listener per host of
 * every system, terminating TLS with the system's certificate Secret. cert-manager's Gateway
 * support issues those Secrets from the annotation (one Certificate per Secret, covering every
 * listener that names it). Each HTTPS listener admits routes from its system's namespace only,
 * so no other system can attach to a host it does not own.
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 * @see https://cert-manager.io/docs/usage/gateway/
 */
import { Construct } from 'constructs';
import { GATEWAY_API_GROUP, Gateway, GatewayListener, HTTPRoute } from '../imports/gateway-api';
import type { ResolvedGateway, ResolvedPlatform, SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import { systemRoutes } from '../src/model/routes';
import { APP_WAVE, SKIP_DRY_RUN_ON_MISSING_RESOURCE, SYNC_WAVE } from './meta';

/** Gateway API v1 allows at most 64 listeners on one Gateway (loadSpecs refuses more hosts first). */
export const MAX_LISTENERS = 64;

export interface PlatformGatewayProps {
  /** The environment's platform settings (its certificate issuer annotates the Gateway). */
  readonly platform: ResolvedPlatform;
  /** Name, namespace, class and pod labels of the Gateway, from platform.yaml. */
  readonly gateway: ResolvedGateway;
  /** Every system of the environment; their hosts become listeners. */
  readonly systems: readonly SystemContext[];
  /** Labels of platform objects. */
  readonly labels: Record<string, string>;
}

/** The HTTPS listeners the systems need, sorted by host. */
export function httpsListeners(systems: readonly SystemContext[]): GatewayListener[] {
  const listeners: GatewayListener[] = [];
  for (const ctx of systems) {
    const routes = systemRoutes(ctx);
    if (routes?.tls === undefined) continue;
    for (const host of routes.certificateHosts) {
      listeners.push({
        name: names.httpsListener(host),
        hostname: host,
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: routes.tls.secretName }] },
        allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': ctx.namespace } } } },
      });
    }
  }
  return listeners.sort((a, b) => a.hostname!.localeCompare(b.hostname!));
}

export class PlatformGateway extends Construct {
  constructor(scope: Construct, id: string, props: PlatformGatewayProps) {
    super(scope, id);
    const { platform: p, gateway: g } = props;
    const https = httpsListeners(props.systems);
    if (https.length + 1 > MAX_LISTENERS) {
      throw new Error(`the systems of ${p.env} serve ${https.length} HTTPS hosts but one Gateway holds at most ${MAX_LISTENERS - 1} besides its HTTP listener; split them across Gateways`);
    }
    const annotations: Record<string, string> = { ...SKIP_DRY_RUN_ON_MISSING_RESOURCE, [SYNC_WAVE]: String(APP_WAVE.gateway) };
    if (p.certificates !== undefined) annotations['cert-manager.io/cluster-issuer'] = p.certificates.issuer;
    new Gateway(this, 'gateway', {
      metadata: { name: g.name, namespace: g.namespace, labels: props.labels, annotations },
      spec: {
        gatewayClassName: g.className,
        listeners: [
          // Systems without TLS attach here too, so it admits routes from every namespace.
          { name: names.httpListener, port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
          ...https,
        ],
      },
    });
    // Plain HTTP goes to HTTPS; more specific routes (a system without TLS, cert-manager's
    // HTTP-01 challenge route) win over this catch-all by Gateway API's precedence rules.
    new HTTPRoute(this, 'https-redirect', {
      metadata: { name: names.httpsRedirectRoute, namespace: g.namespace, labels: props.labels, annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE },
      spec: {
        parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: g.name, namespace: g.namespace, sectionName: names.httpListener }],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    });
  }
}
