/** The routing rules on their own: hosts and redirects, implementation support, platform settings. */
import type { AppSpec } from '../src/spec/app-spec.generated';
import type { PlatformSpec } from '../src/spec/platform.generated';
import type { LoadedSystem } from '../src/spec/load';
import { factsOf } from '../src/spec/facts';
import { checkGeneratedNames } from '../src/spec/rules/generated-names';
import { checkAcrossSystems } from '../src/spec/rules/cross-system';
import { checkHosts, checkPlatformRouting, checkRoutingSupport, gatewayOverflows } from '../src/spec/rules/routing';

const route = { path: '/', component: 'web' };

function spec(ingress: Partial<NonNullable<AppSpec['ingress']>>): AppSpec {
  return { name: 'shop', components: {}, environments: {}, ingress: { host: 'shop.example.com', routes: [route], ...ingress } } as AppSpec;
}

const platform = (extra: Partial<PlatformSpec>): PlatformSpec => ({ repoURL: 'https://git.example.com/x.git', targetRevision: 'main', environments: { dev: { cluster: 'https://k' } }, ...extra });

describe('hosts and redirects', () => {
  test('accepts several hosts and a www redirect to the main host', () => {
    expect(checkHosts(spec({ hosts: ['admin.shop.example.com'], redirects: [{ from: 'www.shop.example.com', to: 'shop.example.com' }] }))).toEqual([]);
  });

  test('accepts a redirect to a further host', () => {
    expect(checkHosts(spec({ hosts: ['admin.shop.example.com'], redirects: [{ from: 'old-admin.shop.example.com', to: 'admin.shop.example.com' }] }))).toEqual([]);
  });

  test('rejects a redirect source that the system also serves', () => {
    expect(checkHosts(spec({ hosts: ['www.shop.example.com'], redirects: [{ from: 'www.shop.example.com', to: 'shop.example.com' }] }))).toEqual([
      { path: 'ingress.redirects[0].from', problem: '"www.shop.example.com" is already listed at ingress.hosts[0]; list each host once' },
    ]);
  });

  test('rejects a chain of redirects that ends at a served host, naming the chain', () => {
    const problems = checkHosts(
      spec({
        redirects: [
          { from: 'a.example.com', to: 'b.example.com' },
          { from: 'b.example.com', to: 'shop.example.com' },
        ],
      }),
    );
    expect(problems).toEqual([
      { path: 'ingress.redirects[0].to', problem: 'is "b.example.com", which itself redirects (a.example.com -> b.example.com -> shop.example.com); redirect straight to a host this system serves: shop.example.com' },
    ]);
  });

  test('rejects a three-host redirect loop, naming it', () => {
    const problems = checkHosts(
      spec({
        redirects: [
          { from: 'a.example.com', to: 'b.example.com' },
          { from: 'b.example.com', to: 'c.example.com' },
          { from: 'c.example.com', to: 'a.example.com' },
        ],
      }),
    );
    expect(problems.map((p) => `${p.path}: ${p.problem.split(';')[0]}`)).toEqual([
      'ingress.redirects[0].to: makes a redirect loop a.example.com -> b.example.com -> c.example.com -> a.example.com',
      'ingress.redirects[1].to: makes a redirect loop b.example.com -> c.example.com -> a.example.com -> b.example.com',
      'ingress.redirects[2].to: makes a redirect loop c.example.com -> a.example.com -> b.example.com -> c.example.com',
    ]);
  });

  test('rejects one host claimed by two systems on one cluster, but not on different clusters', () => {
    const system = (file: string, name: string, env: string, ingress: Partial<NonNullable<AppSpec['ingress']>>): LoadedSystem => {
      const s = { ...spec(ingress), name };
      const environments = new Map([[env, s]]);
      return { file, base: s, environments, facts: factsOf(environments) };
    };
    const a = system('apps/a.yaml', 'a', 'dev', {});
    const b = system('apps/b.yaml', 'b', 'dev', { host: 'b.example.com', hosts: ['shop.example.com'] });
    const c = system('apps/c.yaml', 'c', 'production', {});
    const d = system('apps/d.yaml', 'd', 'staging', { host: 'd.example.com', redirects: [{ from: 'shop.example.com', to: 'd.example.com' }] });
    const p = platform({ environments: { dev: { cluster: 'https://k' }, staging: { cluster: 'https://k' }, production: { cluster: 'https://p' } } });
    expect(checkAcrossSystems([a, b, c, d], p).map((e) => `${e.file}: ${e.path}: ${e.problem.split(';')[0]}`)).toEqual([
      'apps/b.yaml: ingress.hosts[0]: serves shop.example.com in dev, which apps/a.yaml serves too in dev',
      'apps/d.yaml: ingress.redirects[0].from: serves shop.example.com in staging, which apps/a.yaml serves too in dev on the same cluster',
    ]);
  });
});

test("a component may not take the name of the HTTP-01 solver's NetworkPolicy", () => {
  const component = { kind: 'web', image: 'registry.example.com/web:1.0.0', port: 8080 };
  const s = { ...spec({ routes: [{ path: '/', component: 'acme-http01-solver' }] }), components: { 'acme-http01-solver': component } } as unknown as AppSpec;
  const problems: string[] = [];
  checkGeneratedNames(s, (path, problem) => problems.push(`${path}: ${problem}`));
  expect(problems).toEqual([
    expect.stringContaining("components.acme-http01-solver: the name \"acme-http01-solver\" gives shop-acme-http01-solver, the name synth gives the NetworkPolicy of cert-manager's HTTP-01 solver pods"),
  ]);
});

describe('what each routing implementation can render', () => {
  const edge = spec({ maxBodySize: '10m', rateLimit: { rpm: 60 }, routes: [{ ...route, rateLimit: { rps: 1 } }], redirects: [{ from: 'old.example.com', to: 'shop.example.com' }] });

  test('ingress-nginx renders body size and rate limits, and refuses a redirect other than www', () => {
    expect(checkRoutingSupport(edge, 'ingress-nginx').map((p) => p.path)).toEqual(['ingress.redirects[0]']);
  });

  test('gateway-api renders any redirect, and refuses body size and every rate limit by name', () => {
    expect(checkRoutingSupport(edge, 'gateway-api').map((p) => p.path)).toEqual(['ingress.maxBodySize', 'ingress.rateLimit', 'ingress.routes[0].rateLimit']);
  });

  test('gateway-api refuses more routes than one HTTPRoute holds', () => {
    const routes = Array.from({ length: 17 }, (_, i) => ({ path: `/p${i}`, component: 'web' }));
    expect(checkRoutingSupport(spec({ routes: routes as [typeof route, ...(typeof route)[]] }), 'gateway-api')).toEqual([
      { path: 'ingress.routes', problem: 'has 17 routes but an HTTPRoute (routing gateway-api) holds at most 16 rules; merge routes that share a component under a common prefix' },
    ]);
  });

  test('a spec without ingress needs nothing from either', () => {
    const none = { ...spec({}), ingress: undefined };
    expect([...checkRoutingSupport(none, 'gateway-api'), ...checkRoutingSupport(none, 'ingress-nginx'), ...checkHosts(none)]).toEqual([]);
  });
});

describe('platform routing and certificates', () => {
  test('accepts gateway-api with a gateway, and ingress-nginx without one', () => {
    expect(checkPlatformRouting(platform({ routing: 'gateway-api', gateway: { className: 'eg' } }))).toEqual([]);
    expect(checkPlatformRouting(platform({}))).toEqual([]);
  });

  test('rejects an environment that routes with gateway-api when there is no gateway', () => {
    expect(checkPlatformRouting(platform({ environments: { dev: { cluster: 'https://k', routing: 'gateway-api' }, production: { cluster: 'https://p' } } }))).toEqual([
      { path: 'gateway', problem: 'is required: dev route with gateway-api; add gateway.className (the GatewayClass of the installed Gateway implementation)' },
    ]);
  });

  test("rejects another provider's DNS-01 settings, in an environment's certificates too", () => {
    const certificates = { issuer: 'le', acmeServer: 'https://acme.example.com', email: 'ops@example.com' };
    const p = platform({
      environments: {
        dev: { cluster: 'https://k', certificates: { ...certificates, dns01: { provider: 'cloudflare', apiTokenSecretRef: { name: 'cf', key: 't' }, region: 'eu-west-1' } } },
      },
    });
    expect(checkPlatformRouting(p)).toEqual([{ path: 'environments.dev.certificates.dns01.region', problem: 'is a route53 setting but provider is cloudflare; remove it' }]);
  });

  test('rejects Route 53 without a region', () => {
    const p = platform({ certificates: { issuer: 'le', acmeServer: 'https://acme.example.com', email: 'ops@example.com', dns01: { provider: 'route53' } } });
    expect(checkPlatformRouting(p)).toEqual([{ path: 'certificates.dns01.region', problem: 'is required for provider route53: the AWS region such as eu-central-1' }]);
  });
});

describe('the capacity of the platform Gateway', () => {
  const system = (hosts: number, tls?: boolean) => ({
    facts: factsOf(new Map([['dev', spec({ tls, hosts: Array.from({ length: hosts }, (_, i) => `h${i}.example.com`) as [string, ...string[]] })]])),
  });

  test('counts one HTTPS listener per host with TLS, only where the environment routes with gateway-api', () => {
    const many = [system(15), system(15), system(15), system(15)];
    expect(gatewayOverflows(platform({ routing: 'gateway-api', gateway: { className: 'eg' } }), many)).toEqual([{ env: 'dev', hosts: 64 }]);
    expect(gatewayOverflows(platform({}), many)).toEqual([]);
  });

  test('does not count systems without TLS, which share the HTTP listener', () => {
    const many = [system(15), system(15), system(15), system(15, false)];
    expect(gatewayOverflows(platform({ routing: 'gateway-api', gateway: { className: 'eg' } }), many)).toEqual([]);
  });
});
