/**
 * Rules of the routing seam that a JSON Schema cannot express:
 * - hosts: each host once, redirects only to a host the system serves, no loops (that a host
 *   belongs to one system is src/spec/rules/cross-system.ts);
 * - what each routing implementation can render: every edge setting of a spec either maps to
 *   a field of the implementation or the spec is refused here, by name, before anything is
 *   built. Nothing is dropped silently.
 * - platform.yaml: a Gateway when some environment routes with Gateway API, and complete DNS-01
 *   solver settings.
 */
import type { AppSpec } from '../app-spec.generated';
import type { Problem } from '../errors';
import type { PlatformSpec } from '../platform.generated';
import type { SystemFacts } from '../facts';
import type { RoutingImplementation } from '../../model/routes';

/** HTTPRoute v1 holds at most 16 hostnames and 16 rules (one rule per route here). */
export const HTTPROUTE_MAX_HOSTNAMES = 16;
export const HTTPROUTE_MAX_RULES = 16;
/** A Gateway holds at most 64 listeners; one is the shared HTTP listener. */
export const GATEWAY_MAX_HTTPS_LISTENERS = 63;

/** Problems of the hosts and redirects of a spec, whatever the platform routes with. */
export function checkHosts(spec: AppSpec): Problem[] {
  const ingress = spec.ingress;
  if (ingress === undefined) return [];
  const problems: Problem[] = [];
  const add = (path: string, problem: string) => problems.push({ path, problem });
  const seen = new Map<string, string>([[ingress.host, 'ingress.host']]);
  const claim = (host: string, at: string) => {
    const first = seen.get(host);
    if (first !== undefined) add(at, `${JSON.stringify(host)} is already listed at ${first}; list each host once`);
    else seen.set(host, at);
  };
  (ingress.hosts ?? []).forEach((host, i) => claim(host, `ingress.hosts[${i}]`));
  const redirects = ingress.redirects ?? [];
  redirects.forEach((r, i) => claim(r.from, `ingress.redirects[${i}].from`));
  const served = [ingress.host, ...(ingress.hosts ?? [])];
  const redirectOf = new Map(redirects.map((r) => [r.from, r.to]));
  redirects.forEach((r, i) => {
    const at = `ingress.redirects[${i}].to`;
    if (r.to === r.from) {
      add(at, `redirects ${JSON.stringify(r.from)} to itself, a redirect loop; redirect to another host this system serves: ${served.join(', ')}`);
      return;
    }
    if (served.includes(r.to)) return;
    if (redirectOf.has(r.to)) {
      // Follow the chain to tell a loop from a mere chain; both are refused.
      const chain = [r.from, r.to];
      let next = redirectOf.get(r.to);
      while (next !== undefined && !chain.includes(next)) {
        chain.push(next);
        next = redirectOf.get(next);
      }
      if (next !== undefined) {
        add(at, `makes a redirect loop ${[...chain, next].join(' -> ')}; redirect straight to a host this system serves: ${served.join(', ')}`);
      } else {
        add(at, `is ${JSON.stringify(r.to)}, which itself redirects (${chain.join(' -> ')}); redirect straight to a host this system serves: ${served.join(', ')}`);
      }
      return;
    }
    add(at, `is ${JSON.stringify(r.to)}, a host this system does not serve; redirect to ingress.host or ingress.hosts: ${served.join(', ')}`);
  });
  return problems;
}

/** Problems of a merged spec under the routing implementation of its environment. */
export function checkRoutingSupport(spec: AppSpec, routing: RoutingImplementation): Problem[] {
  const ingress = spec.ingress;
  if (ingress === undefined) return [];
  const problems: Problem[] = [];
  const add = (path: string, problem: string) => problems.push({ path, problem });
  if (routing === 'ingress-nginx') {
    (ingress.redirects ?? []).forEach((r, i) => {
      if (r.from !== `www.${r.to}`) {
        add(
          `ingress.redirects[${i}]`,
          `redirects ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)}, but routing ingress-nginx (platform.yaml) keeps the path only for www.<host> -> <host> ` +
            `(from-to-www-redirect; permanent-redirect with $request_uri fails its annotation validation); serve ${JSON.stringify(r.from)} in ingress.hosts instead, or route this environment with gateway-api`,
        );
      }
    });
    return problems;
  }
  const keepNginx = 'or keep this environment on routing: ingress-nginx in platform.yaml';
  if (ingress.maxBodySize !== undefined) {
    add(
      'ingress.maxBodySize',
      `is ${JSON.stringify(ingress.maxBodySize)} but routing gateway-api (platform.yaml) has no standard request body limit (HTTPRoute v1 has no such field, filter or policy); ` +
        `remove it and limit bodies in the app or with your Gateway implementation's own policy object, ${keepNginx}`,
    );
  }
  const rateLimitProblem =
    `is set but routing gateway-api (platform.yaml) has no standard rate limit (HTTPRoute v1 has no rate-limit filter or policy); ` +
    `remove it and rate-limit in the app or with your Gateway implementation's own policy object, ${keepNginx}`;
  if (ingress.rateLimit !== undefined) add('ingress.rateLimit', rateLimitProblem);
  ingress.routes.forEach((route, i) => {
    if (route.rateLimit !== undefined) add(`ingress.routes[${i}].rateLimit`, rateLimitProblem);
  });
  if (ingress.routes.length > HTTPROUTE_MAX_RULES) {
    add('ingress.routes', `has ${ingress.routes.length} routes but an HTTPRoute (routing gateway-api) holds at most ${HTTPROUTE_MAX_RULES} rules; merge routes that share a component under a common prefix`);
  }
  const hosts = 1 + (ingress.hosts ?? []).length;
  if (hosts > HTTPROUTE_MAX_HOSTNAMES) {
    add('ingress.hosts', `gives ${hosts} hosts with ingress.host but an HTTPRoute (routing gateway-api) holds at most ${HTTPROUTE_MAX_HOSTNAMES} hostnames; split the system or use fewer hosts`);
  }
  return problems;
}

/** Problems of platform.yaml's routing and certificate settings. */
export function checkPlatformRouting(platform: PlatformSpec): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, problem: string) => problems.push({ path, problem });
  const gatewayEnvs = Object.entries(platform.environments)
    .filter(([, e]) => (e.routing ?? platform.routing) === 'gateway-api')
    .map(([name]) => name);
  if (gatewayEnvs.length > 0 && platform.gateway === undefined) {
    add('gateway', `is required: ${gatewayEnvs.join(', ')} route with gateway-api; add gateway.className (the GatewayClass of the installed Gateway implementation)`);
  }
  const checkDns01 = (at: string, c: PlatformSpec['certificates']) => {
    const d = c?.dns01;
    if (d === undefined) return;
    const foreign = (keys: string[]) => keys.filter((k) => (d as unknown as Record<string, unknown>)[k] !== undefined);
    if (d.provider === 'cloudflare') {
      if (d.apiTokenSecretRef === undefined) add(`${at}.dns01.apiTokenSecretRef`, `is required for provider cloudflare: name the Secret (in cert-manager's namespace) and key that hold the API token`);
      for (const k of foreign(['region', 'hostedZoneID', 'accessKeyIDSecretRef', 'secretAccessKeySecretRef'])) add(`${at}.dns01.${k}`, `is a route53 setting but provider is cloudflare; remove it`);
    } else {
      if (d.region === undefined) add(`${at}.dns01.region`, `is required for provider route53: the AWS region such as eu-central-1`);
      if ((d.accessKeyIDSecretRef === undefined) !== (d.secretAccessKeySecretRef === undefined)) {
        add(`${at}.dns01`, `sets only one of accessKeyIDSecretRef and secretAccessKeySecretRef; set both, or neither to use ambient credentials (IRSA)`);
      }
      for (const k of foreign(['apiTokenSecretRef'])) add(`${at}.dns01.${k}`, `is a cloudflare setting but provider is route53; remove it`);
    }
  };
  checkDns01('certificates', platform.certificates);
  for (const [env, e] of Object.entries(platform.environments)) checkDns01(`environments.${env}.certificates`, e.certificates);
  return problems;
}

/**
 * Environments routed by Gateway API whose systems need more HTTPS listeners (one per host with
 * TLS) than the platform Gateway holds: `{ env, hosts }`.
 */
export function gatewayOverflows(platform: PlatformSpec, systems: ReadonlyArray<{ readonly facts: SystemFacts }>): Array<{ env: string; hosts: number }> {
  const out: Array<{ env: string; hosts: number }> = [];
  for (const [env, e] of Object.entries(platform.environments)) {
    if ((e.routing ?? platform.routing) !== 'gateway-api') continue;
    let hosts = 0;
    for (const s of systems) {
      const ingress = s.facts.get(env)?.ingress;
      if (ingress === undefined || ingress.tls === false) continue;
      hosts += 1 + (ingress.hosts ?? []).length + (ingress.redirects ?? []).length;
    }
    if (hosts > GATEWAY_MAX_HTTPS_LISTENERS) out.push({ env, hosts });
  }
  return out;
}
