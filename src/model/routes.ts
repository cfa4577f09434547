/**
 * The routing seam: what a system exposes at the edge, independent of how the platform routes
 * it. Charts render this model (charts/ingress.ts for ingress-nginx, charts/http-route.ts for
 * Gateway API); flows.ts derives the network flows of the edge from it. Nothing here knows an
 * annotation or a filter name.
 */
import type { Ingress as IngressSpec, RateLimit } from '../spec/app-spec.generated';
import { DEFAULTS, SystemContext } from './context';
import { names } from './names';

/** How the platform routes HTTP into the cluster. */
export type RoutingImplementation = 'ingress-nginx' | 'gateway-api';
export const ROUTING_IMPLEMENTATIONS: readonly RoutingImplementation[] = ['ingress-nginx', 'gateway-api'];

/** Response headers sent on every answer when `securityHeaders` is on. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
};
export const HSTS_HEADER: Readonly<Record<string, string>> = { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' };

/** The Service and port a path is sent to. */
export interface RouteBackend {
  readonly component: string;
  readonly service: string;
  readonly port: number;
}

/** One routed path, in the spec's order. */
export interface RoutePath {
  readonly path: string;
  readonly pathType: 'Prefix' | 'Exact';
  readonly backend: RouteBackend;
  /** The route's own rate limit, if it has one (else the system-wide one applies). */
  readonly rateLimit?: RateLimit;
  /** Where the route is in the spec, e.g. `ingress.routes[2]`. */
  readonly at: string;
}

/** A host that answers only with a permanent redirect to a served host, keeping the path. */
export interface HostRedirect {
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

/** Settings the edge proxy applies to every path of the system. */
export interface EdgeLimits {
  /** Largest request body, as an nginx size (`50m`); undefined leaves the proxy's default. */
  readonly maxBodySize?: string;
  readonly timeoutSeconds: number;
  /** Rate limit of every path without its own. */
  readonly rateLimit?: RateLimit;
  /** Response headers to add, sorted by name (security headers and HSTS). */
  readonly responseHeaders: Readonly<Record<string, string>>;
  /** Whether plain HTTP is redirected to HTTPS (true whenever TLS is on). */
  readonly httpsRedirect: boolean;
}

/** TLS of the system's hosts. */
export interface RouteTls {
  /** Secret that holds the certificate of every host, issued by cert-manager. */
  readonly secretName: string;
  /** ClusterIssuer that issues it; undefined when the platform has no certificates section. */
  readonly issuer?: string;
}

/** Everything a system exposes at the edge in one environment. */
export interface SystemRoutes {
  /** The main host (`ingress.host`). */
  readonly host: string;
  /** Every host that serves the routes: the main host first, then `ingress.hosts` in order. */
  readonly hosts: readonly string[];
  readonly paths: readonly RoutePath[];
  readonly redirects: readonly HostRedirect[];
  /** Every host the certificate must cover: served hosts, then redirect sources. */
  readonly certificateHosts: readonly string[];
  readonly tls?: RouteTls;
  readonly limits: EdgeLimits;
}

/** The edge model of a system, or undefined when it has no `ingress`. */
export function systemRoutes(ctx: SystemContext): SystemRoutes | undefined {
  const ingress: IngressSpec | undefined = ctx.spec.ingress;
  if (ingress === undefined) return undefined;
  const tls = ingress.tls ?? true;
  const hosts = [ingress.host, ...(ingress.hosts ?? [])];
  const redirects: HostRedirect[] = (ingress.redirects ?? []).map((r, i) => ({
    from: r.from,
    to: r.to,
    at: `ingress.redirects[${i}]`,
  }));
  // Custom headers need the ingress-nginx controller's allow list (see README), so nothing is
  // sent unless the spec asks; HSTS otherwise comes from the proxy's own default.
  const headers: Record<string, string> = {
    ...(ingress.securityHeaders === true ? SECURITY_HEADERS : {}),
    ...(tls && ingress.hsts === true ? HSTS_HEADER : {}),
  };
  return {
    host: ingress.host,
    hosts,
    paths: ingress.routes.map((r, i) => ({
      path: r.path,
      pathType: r.pathType ?? 'Prefix',
      backend: { component: r.component, service: names.component(ctx, r.component), port: ctx.spec.components[r.component].port! },
      rateLimit: r.rateLimit,
      at: `ingress.routes[${i}]`,
    })),
    redirects,
    certificateHosts: [...hosts, ...redirects.map((r) => r.from)],
    tls: tls ? { secretName: names.tlsSecret(ctx), issuer: ctx.platform.certificates?.issuer } : undefined,
    limits: {
      maxBodySize: ingress.maxBodySize,
      timeoutSeconds: ingress.timeoutSeconds ?? DEFAULTS.ingressTimeoutSeconds,
      rateLimit: ingress.rateLimit,
      responseHeaders: Object.fromEntries(Object.entries(headers).sort(([a], [b]) => a.localeCompare(b))),
      httpsRedirect: tls,
    },
  };
}

/**
 * Whether cert-manager answers ACME HTTP-01 challenges for this system inside its own
 * namespace: TLS on, an issuer, the HTTP-01 solver, and ingress-nginx (with Gateway API the
 * Certificates, and so the solver pods, live in the Gateway's namespace).
 */
export function needsHttp01Solver(ctx: SystemContext): boolean {
  const routes = systemRoutes(ctx);
  const certificates = ctx.platform.certificates;
  return (
    routes?.tls?.issuer !== undefined &&
    certificates !== undefined &&
    certificates.dns01 === undefined &&
    ctx.platform.routing === 'ingress-nginx'
  );
}

/** Labels cert-manager puts on its HTTP-01 solver pods. */
export const HTTP01_SOLVER_LABELS: Readonly<Record<string, string>> = { 'acme.cert-manager.io/http01-solver': 'true' };
