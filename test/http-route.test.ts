/** The Gateway API renderer of the routes model, on a minimal context. */
import { Chart, Testing } from 'cdk8s';
import { HttpRoutes } from '../charts/http-route';
import type { SystemContext } from '../src/model/context';
import { systemRoutes } from '../src/model/routes';
import { contextOf, GATEWAY_PLATFORM, ROUTING_SHOP } from './support/routing-context';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function render(ctx: SystemContext): Json[] {
  const chart: Chart = Testing.chart();
  new HttpRoutes(chart, 'routes', { ctx, routes: systemRoutes(ctx)! });
  return Testing.synth(chart);
}

const ctx = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'production');
const parent = (sectionName: string) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', namespace: 'gateway-system', sectionName });

test('renders one HTTPRoute of the paths and one per redirected host, and matches the snapshot', () => {
  const objects = render(ctx);
  expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
    'gateway.networking.k8s.io/v1 HTTPRoute shop-production/shop',
    'gateway.networking.k8s.io/v1 HTTPRoute shop-production/shop-redirect-www-shop-example-com',
  ]);
  expect(objects).toMatchSnapshot();
});

test('attaches the paths to the HTTPS listener of each served host and lists those hosts', () => {
  const [paths] = render(ctx);
  expect(paths.spec.parentRefs).toEqual([parent('https-shop.example.com'), parent('https-admin.shop.example.com')]);
  expect(paths.spec.hostnames).toEqual(['shop.example.com', 'admin.shop.example.com']);
});

test('maps each route to a rule: Prefix to PathPrefix, Exact to Exact, its Service and port, the request timeout', () => {
  const [paths] = render(ctx);
  expect(paths.spec.rules.map((r: Json) => [r.matches, r.backendRefs, r.timeouts])).toEqual([
    [[{ path: { type: 'PathPrefix', value: '/api' } }], [{ name: 'shop-api', port: 8080 }], { request: '90s' }],
    [[{ path: { type: 'Exact', value: '/healthz' } }], [{ name: 'shop-api', port: 8080 }], { request: '90s' }],
    [[{ path: { type: 'PathPrefix', value: '/' } }], [{ name: 'shop-web', port: 8081 }], { request: '90s' }],
  ]);
});

test('sends security headers and HSTS with a ResponseHeaderModifier on every rule', () => {
  const [paths] = render(ctx);
  const expected = [
    {
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: {
        set: [
          { name: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { name: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { name: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' },
          { name: 'X-Content-Type-Options', value: 'nosniff' },
          { name: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    },
  ];
  for (const rule of paths.spec.rules) expect(rule.filters).toEqual(expected);
});

test('redirects www to the apex over HTTPS with a 301 that keeps the path', () => {
  const [, redirect] = render(ctx);
  expect(redirect.spec).toEqual({
    parentRefs: [parent('https-www.shop.example.com')],
    hostnames: ['www.shop.example.com'],
    rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: 'shop.example.com', statusCode: 301 } }] }],
  });
});

test('without TLS, attaches to the shared HTTP listener and redirects without changing the scheme', () => {
  const plain = { ...ctx, spec: { ...ctx.spec, ingress: { ...ctx.spec.ingress!, tls: false, securityHeaders: false } } };
  const [paths, redirect] = render(plain);
  expect(paths.spec.parentRefs).toEqual([parent('http')]);
  expect(paths.spec.rules[0].filters).toBeUndefined();
  expect(redirect.spec.rules[0].filters[0].requestRedirect).toEqual({ hostname: 'shop.example.com', statusCode: 301 });
});

test('every HTTPRoute waits for its CRD and syncs in the ingress wave', () => {
  for (const o of render(ctx)) {
    expect(o.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true', 'argocd.argoproj.io/sync-wave': '2' });
  }
});

test('fails if the platform routes with gateway-api but names no Gateway', () => {
  const broken = { ...ctx, platform: { ...ctx.platform, gateway: undefined } };
  expect(() => render(broken)).toThrow("routing of production is gateway-api but platform.yaml has no 'gateway' section");
});
