/**
 * The routes model (src/model/routes.ts) rendered for ingress-nginx: TLS from the cert-manager
 * ClusterIssuer, HTTPS redirect, body size and timeouts, rate limits, security response
 * headers, and www -> apex redirects. Routes with their own rate limit get an Ingress of their
 * own, since ingress-nginx applies rate-limit annotations per Ingress object.
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import type { RoutePath, SystemRoutes } from '../src/model/routes';
import type { RateLimit } from '../src/spec/app-spec.generated';
import { objectMeta, WAVE } from './meta';

const NGINX = 'nginx.ingress.kubernetes.io';

export interface IngressProps {
  /** The system and environment. */
  readonly ctx: SystemContext;
  /** The system's routes, as src/model/routes.ts derives them from the spec. */
  readonly routes: SystemRoutes;
}

/** Object name of the Ingress serving a path: the system's, or a name from the path. */
export function ingressName(ctx: SystemContext, path: RoutePath): string {
  return path.rateLimit === undefined ? names.ingress(ctx) : names.ingressForPath(ctx.system, path.path);
}

function rateLimitAnnotations(limit: RateLimit | undefined): Record<string, string> {
  if (limit === undefined) return {};
  if (limit.rpm !== undefined) return { [`${NGINX}/limit-rpm`]: String(limit.rpm) };
  const out: Record<string, string> = { [`${NGINX}/limit-rps`]: String(limit.rps) };
  if (limit.burst !== undefined) out[`${NGINX}/limit-burst-multiplier`] = String(limit.burst / limit.rps!);
  return out;
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

export class Ingress extends Construct {
  constructor(scope: Construct, id: string, props: IngressProps) {
    super(scope, id);
    const { ctx, routes } = props;
    const { limits, tls } = routes;
    const timeout = String(limits.timeoutSeconds);
    const hasHeaders = Object.keys(limits.responseHeaders).length > 0;
    if (hasHeaders) {
      // Custom headers need the controller's global-allowed-response-headers (see README).
      new k8s.KubeConfigMap(this, 'headers', {
        metadata: objectMeta(ctx, names.responseHeaders(ctx), WAVE.config),
        data: { ...limits.responseHeaders },
      });
    }
    const common: Record<string, string> = {
      [`${NGINX}/ssl-redirect`]: String(limits.httpsRedirect),
      [`${NGINX}/force-ssl-redirect`]: String(limits.httpsRedirect),
      [`${NGINX}/proxy-read-timeout`]: timeout,
      [`${NGINX}/proxy-send-timeout`]: timeout,
    };
    if (limits.maxBodySize !== undefined) common[`${NGINX}/proxy-body-size`] = limits.maxBodySize;
    if (hasHeaders) common[`${NGINX}/custom-headers`] = `${ctx.namespace}/${names.responseHeaders(ctx)}`;

    // Group paths by the Ingress object that serves them, keeping the spec's order inside.
    const groups = new Map<string, RoutePath[]>();
    for (const path of routes.paths) {
      const name = ingressName(ctx, path);
      groups.set(name, [...(groups.get(name) ?? []), path]);
    }
    const ordered = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
    // cert-manager makes one Certificate per annotated Ingress and secret: annotate only one.
    // The www redirect goes on the same one, whose TLS section lists the www host too.
    const mainIngress = groups.has(names.ingress(ctx)) ? names.ingress(ctx) : ordered[0][0];
    for (const [name, paths] of ordered) {
      const limit = paths[0].rateLimit ?? limits.rateLimit;
      const annotations: Record<string, string> = { ...common, ...rateLimitAnnotations(limit) };
      if (tls?.issuer !== undefined && name === mainIngress) annotations['cert-manager.io/cluster-issuer'] = tls.issuer;
      // Rules validated that every redirect is www.<host> -> <host>, the one form ingress-nginx
      // redirects keeping the path (permanent-redirect with $request_uri fails its annotation
      // validation since v1.12).
      if (routes.redirects.length > 0 && name === mainIngress) annotations[`${NGINX}/from-to-www-redirect`] = 'true';
      new k8s.KubeIngress(this, name, {
        metadata: objectMeta(ctx, name, WAVE.ingress, { annotations: sorted(annotations) }),
        spec: {
          ingressClassName: ctx.platform.ingressClassName,
          // Every Ingress of the system names the same certificate Secret; cert-manager issues it once.
          tls: tls !== undefined ? [{ hosts: [...routes.certificateHosts], secretName: tls.secretName }] : undefined,
          rules: routes.hosts.map((host) => ({
            host,
            http: {
              paths: paths.map((p) => ({
                path: p.path,
                pathType: p.pathType,
                backend: { service: { name: p.backend.service, port: { number: p.backend.port } } },
              })),
            },
          })),
        },
      });
    }
  }
}
