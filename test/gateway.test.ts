/**
 * Gateway API as the platform's routing: the platform Gateway and its ClusterIssuer solver,
 * the network policies of a system behind it, and DNS-01 as the ACME solver.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { AppsChart } from '../argocd/environment-charts';
import { acmeSolver } from '../charts/acme-solver';
import { httpsListeners, PlatformGateway } from '../charts/gateway';
import { PlatformChart } from '../charts/platform-chart';
import { SystemChart } from '../charts/system-chart';
import type { ResolvedPlatform, SystemContext } from '../src/model/context';
import type { Manifest } from '../src/model/manifest';
import { summarize } from '../src/model/summary';
import { SpecErrors } from '../src/spec/errors';
import { loadSpecs } from '../src/spec/load';
import { buildTree } from '../src/synth/build';
import { schemaProblems } from '../src/synth/validate';
import { contextOf, GATEWAY_PLATFORM, ROUTING_SHOP } from './support/routing-context';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MINIMAL = join(__dirname, 'fixtures', 'minimal-spec', 'shop.yaml');
const ctx = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'production');

function platformObjects(platform: ResolvedPlatform, systems: readonly SystemContext[]): Json[] {
  const app = Testing.app();
  return new PlatformChart(app, 'platform', { platform, systems }).toJson();
}

function systemObjects(c: SystemContext): Json[] {
  return new SystemChart(new App({ outdir: '/nonexistent' }), 'shop', { ctx: c }).toJson();
}

describe('the platform Gateway', () => {
  const objects = platformObjects(ctx.platform, [ctx]);
  const gateway = objects.find((o) => o.kind === 'Gateway')!;

  test('is emitted with its HTTPS redirect route by the platform chart, and matches the snapshot', () => {
    expect(objects.filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io/')).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Gateway gateway-system/platform',
      'HTTPRoute gateway-system/https-redirect',
    ]);
    expect(objects.filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io/'))).toMatchSnapshot();
  });

  test('asks cert-manager for certificates with the environment issuer', () => {
    expect(gateway.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(gateway.spec.gatewayClassName).toBe('eg');
  });

  test('has the shared HTTP listener, then one HTTPS listener per host sorted by host, each open to its system only', () => {
    expect(gateway.spec.listeners.map((l: Json) => [l.name, l.hostname, l.port, l.protocol, l.tls?.certificateRefs[0].name, l.allowedRoutes.namespaces])).toEqual([
      ['http', undefined, 80, 'HTTP', undefined, { from: 'All' }],
      ['https-admin.shop.example.com', 'admin.shop.example.com', 443, 'HTTPS', 'shop-tls', { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop-production' } } }],
      ['https-shop.example.com', 'shop.example.com', 443, 'HTTPS', 'shop-tls', { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop-production' } } }],
      ['https-www.shop.example.com', 'www.shop.example.com', 443, 'HTTPS', 'shop-tls', { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop-production' } } }],
    ]);
  });

  test('solves HTTP-01 with an HTTPRoute on its HTTP listener', () => {
    const issuer = objects.find((o) => o.kind === 'ClusterIssuer')!;
    expect(issuer.spec.acme.solvers).toEqual([
      { http01: { gatewayHTTPRoute: { parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', namespace: 'gateway-system', sectionName: 'http' }] } } },
    ]);
  });

  test('is not emitted where the environment routes with ingress-nginx', () => {
    const dev = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'dev');
    expect(platformObjects(dev.platform, [dev]).map((o) => o.kind)).toEqual(['StorageClass', 'RecurringJob', 'PriorityClass', 'ClusterIssuer']);
  });

  test('rejects more hosts than one Gateway holds', () => {
    const many = Array.from({ length: 64 }, (_, i) => `h${i}.shop.example.com`);
    const big = { ...ctx, spec: { ...ctx.spec, ingress: { ...ctx.spec.ingress!, hosts: many as [string, ...string[]] } } };
    expect(httpsListeners([big])).toHaveLength(66);
    expect(() => new PlatformGateway(Testing.chart(), 'gw', { platform: ctx.platform, gateway: ctx.platform.gateway!, systems: [big], labels: {} })).toThrow(
      'the systems of production serve 66 HTTPS hosts but one Gateway holds at most 63 besides its HTTP listener; split them across Gateways',
    );
  });
});

test('the platform AppProject may deploy to the Gateway namespace and allows exactly the Gateway API kinds emitted', () => {
  const platformManifests = platformObjects(ctx.platform, [ctx]) as never[];
  const apps = new AppsChart(Testing.app(), 'apps', { platform: ctx.platform, systems: [summarize({ ctx, manifests: systemObjects(ctx) as never[] })], platformManifests }).toJson();
  const project = (name: string) => apps.find((o: Json) => o.kind === 'AppProject' && o.metadata.name.endsWith(name))!;
  const platformProject = project('platform');
  expect(platformProject.spec.destinations).toContainEqual({ server: 'https://production.k8s.example.com', namespace: 'gateway-system' });
  const gatewayKinds = (p: Json) => p.spec.namespaceResourceWhitelist.filter((k: Json) => k.group === 'gateway.networking.k8s.io');
  expect(gatewayKinds(platformProject)).toEqual([
    { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
    { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
  ]);
  expect(gatewayKinds(project('systems'))).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }]);
});

describe('a system behind the Gateway', () => {
  const objects = systemObjects(ctx);

  test('gets HTTPRoutes and no Ingress or solver policy', () => {
    expect(objects.filter((o) => ['Ingress', 'HTTPRoute'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'HTTPRoute/shop',
      'HTTPRoute/shop-redirect-www-shop-example-com',
    ]);
    expect(objects.filter((o) => o.metadata.name === 'shop-acme-http01-solver')).toEqual([]);
  });

  test('lets the Gateway pods, by the namespace and labels of platform.yaml, reach each routed backend', () => {
    const api = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'shop-api')!;
    expect(api.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } },
            podSelector: { matchLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'platform' } },
          },
        ],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-web', 'app.kubernetes.io/instance': 'shop-production' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });
});

test('with ingress-nginx, a system with TLS gets the solver policy: the controller may reach port 8089 of the solver pods', () => {
  const objects = systemObjects(contextOf(MINIMAL, join(__dirname, '..', 'platform.yaml'), 'production'));
  const policy = objects.find((o) => o.metadata.name === 'shop-acme-http01-solver')!;
  expect(policy.spec).toEqual({
    podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
        ports: [{ protocol: 'TCP', port: 8089 }],
      },
    ],
  });
});

describe('DNS-01', () => {
  const withDns01 = (dns01: Json): ResolvedPlatform => ({ ...ctx.platform, certificates: { ...ctx.platform.certificates!, dns01: dns01 as never } });

  test('solves with Cloudflare through a token Secret reference', () => {
    expect(acmeSolver(withDns01({ provider: 'cloudflare', apiTokenSecretRef: { name: 'cloudflare-api', key: 'token' } }))).toEqual({
      dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api', key: 'token' } } },
    });
  });

  test('solves with Route 53 by region, with keys by Secret reference or with ambient credentials', () => {
    const keys = { accessKeyIDSecretRef: { name: 'route53', key: 'id' }, secretAccessKeySecretRef: { name: 'route53', key: 'secret' } };
    expect(acmeSolver(withDns01({ provider: 'route53', region: 'eu-central-1', ...keys }))).toEqual({ dns01: { route53: { region: 'eu-central-1', ...keys } } });
    expect(acmeSolver(withDns01({ provider: 'route53', region: 'eu-central-1', hostedZoneID: 'Z123' }))).toEqual({ dns01: { route53: { region: 'eu-central-1', hostedZoneID: 'Z123' } } });
  });

  test("gives ClusterIssuers that match cert-manager's schema, like the HTTP-01 ones", () => {
    const issuers = [
      withDns01({ provider: 'cloudflare', apiTokenSecretRef: { name: 'cloudflare-api', key: 'token' } }),
      withDns01({ provider: 'route53', region: 'eu-central-1', accessKeyIDSecretRef: { name: 'r53', key: 'id' }, secretAccessKeySecretRef: { name: 'r53', key: 'secret' } }),
      ctx.platform,
      contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'dev').platform,
    ].map((p) => platformObjects(p, [ctx]).find((o) => o.kind === 'ClusterIssuer')!);
    expect(issuers.map((i) => Object.keys(i.spec.acme.solvers[0]))).toEqual([['dns01'], ['dns01'], ['http01'], ['http01']]);
    expect(issuers.flatMap((i) => schemaProblems(i as Manifest))).toEqual([]);
  });

  test('replaces HTTP-01 whatever the routing', () => {
    const dev = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'dev').platform;
    expect(acmeSolver({ ...dev, certificates: { ...dev.certificates!, dns01: { provider: 'route53', region: 'us-east-1' } } })).toEqual({ dns01: { route53: { region: 'us-east-1' } } });
    expect(acmeSolver(dev)).toEqual({ http01: { ingress: { class: 'nginx' } } });
  });
});

describe('Gateway API objects at synth time', () => {
  test('a whole build with gateway-api routing passes the schemas and the policy gate', () => {
    const apps = mkdtempSync(join(tmpdir(), 'gateway-build-'));
    try {
      copyFileSync(ROUTING_SHOP, join(apps, 'shop.yaml'));
      const { tree } = buildTree(loadSpecs(apps, GATEWAY_PLATFORM), 'platform.yaml');
      expect([...tree.keys()].filter((f) => /\/(gateway|httproute)-/.test(f))).toEqual([
        'staging/shop/httproute-shop.yaml',
        'staging/shop/httproute-shop-redirect-www-shop-example-com.yaml',
        'staging/platform/gateway-platform.yaml',
        'staging/platform/httproute-https-redirect.yaml',
        'production/shop/httproute-shop.yaml',
        'production/shop/httproute-shop-redirect-www-shop-example-com.yaml',
        'production/platform/gateway-platform.yaml',
        'production/platform/httproute-https-redirect.yaml',
      ]);
    } finally {
      rmSync(apps, { recursive: true, force: true });
    }
  });

  test('the schemas refuse what the CRDs refuse', () => {
    const route = systemObjects(ctx).find((o) => o.kind === 'HTTPRoute')! as Manifest & Json;
    expect(schemaProblems(route)).toEqual([]);
    const tooMany = { ...route, spec: { ...route.spec, hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`) } };
    expect(schemaProblems(tooMany)).toEqual(['spec.hostnames: must NOT have more than 16 items']);
    const gateway = platformObjects(ctx.platform, [ctx]).find((o) => o.kind === 'Gateway')! as Manifest & Json;
    expect(schemaProblems(gateway)).toEqual([]);
    const upper = { ...gateway, spec: { ...gateway.spec, listeners: [{ ...gateway.spec.listeners[0], name: 'HTTP' }] } };
    expect(schemaProblems(upper)).toEqual([expect.stringMatching(/^spec\.listeners\[0\]\.name: must match pattern/)]);
  });
});

test('two environments with hosts cannot share the Gateway of one cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-shared-'));
  try {
    mkdirSync(join(dir, 'apps'));
    copyFileSync(ROUTING_SHOP, join(dir, 'apps', 'shop.yaml'));
    const platformFile = join(dir, 'platform.yaml');
    writeFileSync(platformFile, readFileSync(GATEWAY_PLATFORM, 'utf8').replace('https://staging.k8s.example.com', 'https://production.k8s.example.com'));
    let thrown: unknown;
    try {
      buildTree(loadSpecs(join(dir, 'apps'), platformFile), 'platform.yaml');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SpecErrors);
    expect((thrown as SpecErrors).errors.map((e) => `${e.path}: ${e.problem}`)).toEqual([
      'environments.production.cluster: is the cluster of staging too, where the Gateway gateway-system/platform exists once and staging owns it, but production routes with gateway-api and needs its own hosts as listeners there; give production a cluster of its own, or route one of the two environments with ingress-nginx',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
