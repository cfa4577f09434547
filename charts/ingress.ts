/**
 * Ingress (ingress-nginx) for the system's routes: TLS from the cert-manager ClusterIssuer,
 * HTTPS redirect, body size and timeouts, rate limits, and security response headers.
 * Routes with their own rate limit get an Ingress of their own, since ingress-nginx applies
 * rate-limit annotations per Ingress object.
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import type { Ingress as IngressSpec, RateLimit, Route } from '../src/spec/app-spec.generated';
import { objectMeta, WAVE } from './meta';

const NGINX = 'nginx.ingress.kubernetes.io';

/** Response headers sent on every answer when `securityHeaders` is on. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
};
export const HSTS_HEADER = { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' };

export interface IngressProps {
  readonly ctx: SystemContext;
  readonly ingress: IngressSpec;
}

/** Name of the ConfigMap that holds the custom response headers. */
export function headersConfigMapName(ctx: SystemContext): string {
  return names.responseHeaders(ctx);
}

/** Object name of the Ingress serving a route: the system name, or a name from the path. */
export function ingressName(ctx: SystemContext, route: Route | undefined): string {
  return route?.rateLimit === undefined ? names.ingress(ctx) : names.ingressForPath(ctx.system, route.path);
}

function rateLimitAnnotations(limit: RateLimit | undefined): Record<string, string> {
  if (limit === undefined) return {};
  if (limit.rpm !== undefined) return { [`${NGINX}/limit-rpm`]: String(limit.rpm) };
  const out: Record<string, string> = { [`${NGINX}/limit-rps`]: String(limit.rps) };
  if (limit.burst !== undefined) out[`${NGINX}/limit-burst-multiplier`] = String(limit.burst / limit.rps!);
  return out;
}

export class Ingress extends Construct {
  constructor(scope: Construct, id: string, props: IngressProps) {
    super(scope, id);
    const { ctx, ingress } = props;
    const tls = ingress.tls ?? true;
    const timeout = String(ingress.timeoutSeconds ?? DEFAULTS.ingressTimeoutSeconds);
    // Custom headers need the controller's global-allowed-response-headers (see README), so
    // nothing is sent unless the spec asks; HSTS otherwise comes from the controller's default.
    const headers = {
      ...(ingress.securityHeaders === true ? SECURITY_HEADERS : {}),
      ...(tls && ingress.hsts === true ? HSTS_HEADER : {}),
    };
    if (Object.keys(headers).length > 0) {
      new k8s.KubeConfigMap(this, 'headers', {
        metadata: objectMeta(ctx, headersConfigMapName(ctx), WAVE.config),
        data: Object.fromEntries(Object.entries(headers).sort(([a], [b]) => a.localeCompare(b))),
      });
    }
    const common: Record<string, string> = {
      [`${NGINX}/ssl-redirect`]: String(tls),
      [`${NGINX}/force-ssl-redirect`]: String(tls),
      [`${NGINX}/proxy-read-timeout`]: timeout,
      [`${NGINX}/proxy-send-timeout`]: timeout,
    };
    if (ingress.maxBodySize !== undefined) common[`${NGINX}/proxy-body-size`] = ingress.maxBodySize;
    if (Object.keys(headers).length > 0) common[`${NGINX}/custom-headers`] = `${ctx.namespace}/${headersConfigMapName(ctx)}`;
    const issuer = ctx.platform.certificates?.issuer;

    // Group routes by the Ingress object that serves them, keeping the spec's order inside.
    const groups = new Map<string, Route[]>();
    for (const route of ingress.routes) {
      const name = ingressName(ctx, route);
      groups.set(name, [...(groups.get(name) ?? []), route]);
    }
    const sorted = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
    // cert-manager makes one Certificate per annotated Ingress and secret: annotate only one.
    const certOwner = groups.has(names.ingress(ctx)) ? names.ingress(ctx) : sorted[0][0];
    for (const [name, routes] of sorted) {
      const limit = routes[0].rateLimit ?? ingress.rateLimit;
      const annotations: Record<string, string> = { ...common, ...rateLimitAnnotations(limit) };
      if (tls && issuer !== undefined && name === certOwner) annotations['cert-manager.io/cluster-issuer'] = issuer;
      new k8s.KubeIngress(this, name, {
        metadata: objectMeta(ctx, name, WAVE.ingress, {
          annotations: Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => a.localeCompare(b))),
        }),
        spec: {
          ingressClassName: ctx.platform.ingressClassName,
          // Every Ingress of the host names the same certificate Secret; cert-manager issues it once.
          tls: tls ? [{ hosts: [ingress.host], secretName: names.tlsSecret(ctx) }] : undefined,
          rules: [
            {
              host: ingress.host,
              http: {
                paths: routes.map((r) => ({
                  path: r.path,
                  pathType: r.pathType ?? 'Prefix',
                  backend: {
                    service: {
                      name: names.component(ctx, r.component),
                      port: { number: ctx.spec.components[r.component].port! },
                    },
                  },
                })),
              },
            },
          ],
        },
      });
    }
  }
}
