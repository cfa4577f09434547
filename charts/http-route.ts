/**
 * The routes model (src/model/routes.ts) rendered for Gateway API: one HTTPRoute for the
 * system's paths, attached to the HTTPS listener of each of its hosts on the platform Gateway
 * (charts/gateway.ts), and one HTTPRoute per redirected host. Edge settings map to standard
 * fields: timeouts to `timeouts.request`, security headers and HSTS to a ResponseHeaderModifier
 * filter, redirects to RequestRedirect. The settings with no standard field (body size, rate
 * limits) never get here: src/spec/rules/routing.ts refuses them by name.
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 */
import { Construct } from 'constructs';
import { GATEWAY_API_GROUP, HTTPRoute, HttpRouteFilter, ParentReference } from '../imports/gateway-api';
import type { SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import type { SystemRoutes } from '../src/model/routes';
import { objectMeta, SKIP_DRY_RUN_ON_MISSING_RESOURCE, WAVE } from './meta';

export interface HttpRoutesProps {
  /** The system and environment (its platform names the Gateway). */
  readonly ctx: SystemContext;
  /** The system's routes, as src/model/routes.ts derives them from the spec. */
  readonly routes: SystemRoutes;
}

/** The Gateway listener that serves a host: its HTTPS listener, or the shared HTTP one without TLS. */
export function parentRef(ctx: SystemContext, host: string, tls: boolean): ParentReference {
  const gateway = ctx.platform.gateway;
  if (gateway === undefined) throw new Error(`routing of ${ctx.env} is gateway-api but platform.yaml has no 'gateway' section`);
  return {
    group: GATEWAY_API_GROUP,
    kind: 'Gateway',
    name: gateway.name,
    namespace: gateway.namespace,
    sectionName: tls ? names.httpsListener(host) : names.httpListener,
  };
}

/** Gateway API durations allow at most five digits per unit: 3600s is fine. */
function duration(seconds: number): string {
  return `${seconds}s`;
}

export class HttpRoutes extends Construct {
  constructor(scope: Construct, id: string, props: HttpRoutesProps) {
    super(scope, id);
    const { ctx, routes } = props;
    const tls = routes.tls !== undefined;
    // The HTTPRoute CRDs ship with the Gateway implementation, possibly in the same sync.
    const annotations = SKIP_DRY_RUN_ON_MISSING_RESOURCE;
    const headers = Object.entries(routes.limits.responseHeaders).map(([name, value]) => ({ name, value }));
    const filters: HttpRouteFilter[] = headers.length > 0 ? [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: headers } }] : [];
    // Listeners per host on one shared HTTP listener would repeat the same parent: list it once.
    const parents = tls ? routes.hosts.map((h) => parentRef(ctx, h, true)) : [parentRef(ctx, routes.host, false)];
    new HTTPRoute(this, 'paths', {
      metadata: objectMeta(ctx, names.httpRoute(ctx), WAVE.ingress, { annotations }),
      spec: {
        parentRefs: parents,
        hostnames: [...routes.hosts],
        rules: routes.paths.map((p) => ({
          matches: [{ path: { type: p.pathType === 'Exact' ? 'Exact' : 'PathPrefix', value: p.path } }],
          ...(filters.length > 0 ? { filters } : {}),
          backendRefs: [{ name: p.backend.service, port: p.backend.port }],
          timeouts: { request: duration(routes.limits.timeoutSeconds) },
        })),
      },
    });
    for (const r of routes.redirects) {
      new HTTPRoute(this, `redirect-${r.from}`, {
        metadata: objectMeta(ctx, names.redirectRoute(ctx, r.from), WAVE.ingress, { annotations }),
        spec: {
          parentRefs: [parentRef(ctx, r.from, tls)],
          hostnames: [r.from],
          // No path in the filter: Gateway API keeps the request's path and query.
          rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { ...(tls ? { scheme: 'https' } : {}), hostname: r.to, statusCode: 301 } }] }],
        },
      });
    }
  }
}
