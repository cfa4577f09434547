/** The ingress-nginx renderer of the routes model, on a minimal context. */
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { Ingress } from '../charts/ingress';
import type { SystemContext } from '../src/model/context';
import { systemRoutes } from '../src/model/routes';
import { contextOf, GATEWAY_PLATFORM, ROUTING_SHOP } from './support/routing-context';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MINIMAL = join(__dirname, 'fixtures', 'minimal-spec', 'shop.yaml');
const PLATFORM = join(__dirname, '..', 'platform.yaml');

function render(ctx: SystemContext): Json[] {
  const chart: Chart = Testing.chart();
  new Ingress(chart, 'ingress', { ctx, routes: systemRoutes(ctx)! });
  return Testing.synth(chart);
}

test('a single host gives one Ingress with TLS, the issuer, the HTTPS redirect and the default timeouts', () => {
  const [ingress] = render(contextOf(MINIMAL, PLATFORM, 'production'));
  expect(ingress.metadata.annotations).toEqual({
    'argocd.argoproj.io/sync-wave': '2',
    'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
    'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
    'nginx.ingress.kubernetes.io/proxy-read-timeout': '60',
    'nginx.ingress.kubernetes.io/proxy-send-timeout': '60',
    'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
  });
  expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
  expect(ingress.spec.rules.map((r: Json) => r.host)).toEqual(['shop.example.com']);
});

describe('several hosts (the dev environment of the routing fixture routes with ingress-nginx)', () => {
  const ctx = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'dev');

  test('renders the headers ConfigMap and one Ingress, and matches the snapshot', () => {
    const objects = render(ctx);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/shop-response-headers', 'Ingress/shop']);
    expect(objects).toMatchSnapshot();
  });

  test('serves every host with the same paths, in the spec order', () => {
    const ingress = render(ctx)[1];
    expect(ingress.spec.rules.map((r: Json) => [r.host, r.http.paths.map((p: Json) => `${p.pathType} ${p.path} -> ${p.backend.service.name}:${p.backend.service.port.number}`)])).toEqual([
      ['shop.example.com', ['Prefix /api -> shop-api:8080', 'Exact /healthz -> shop-api:8080', 'Prefix / -> shop-web:8081']],
      ['admin.shop.example.com', ['Prefix /api -> shop-api:8080', 'Exact /healthz -> shop-api:8080', 'Prefix / -> shop-web:8081']],
    ]);
  });

  test('covers every host and the www redirect source with one certificate, and redirects www with from-to-www-redirect', () => {
    const ingress = render(ctx)[1];
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com', 'admin.shop.example.com', 'www.shop.example.com'], secretName: 'shop-tls' }]);
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/from-to-www-redirect']).toBe('true');
  });
});

test('rate-limited routes get their own Ingress; only the main one carries the issuer and the www redirect', () => {
  const ctx = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'dev');
  const ingress = ctx.spec.ingress!;
  const limited = { ...ctx, spec: { ...ctx.spec, ingress: { ...ingress, routes: [{ ...ingress.routes[0], rateLimit: { rps: 5, burst: 10 } }, ...ingress.routes.slice(1)] as typeof ingress.routes } } };
  const objects = render(limited).filter((o) => o.kind === 'Ingress');
  expect(objects.map((o) => o.metadata.name)).toEqual(['shop', 'shop-api']);
  const [main, api] = objects;
  expect(main.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
  expect(main.metadata.annotations['nginx.ingress.kubernetes.io/from-to-www-redirect']).toBe('true');
  expect(Object.keys(api.metadata.annotations).filter((k) => k.includes('cluster-issuer') || k.includes('www-redirect'))).toEqual([]);
  expect(api.metadata.annotations['nginx.ingress.kubernetes.io/limit-rps']).toBe('5');
  expect(api.metadata.annotations['nginx.ingress.kubernetes.io/limit-burst-multiplier']).toBe('2');
  expect(api.spec.tls).toEqual(main.spec.tls);
});
