/** The routes model: what a spec exposes at the edge, before any implementation renders it. */
import { join } from 'node:path';
import { HSTS_HEADER, needsHttp01Solver, SECURITY_HEADERS, systemRoutes } from '../src/model/routes';
import { contextOf, GATEWAY_PLATFORM, ROUTING_SHOP } from './support/routing-context';

const REPO = join(__dirname, '..');
const MINIMAL = join(__dirname, 'fixtures', 'minimal-spec', 'shop.yaml');
const PLATFORM = join(REPO, 'platform.yaml');

test('a single-host spec gives one host, its paths in order with their Services, and the defaults', () => {
  const ctx = contextOf(MINIMAL, PLATFORM, 'production');
  expect(systemRoutes(ctx)).toEqual({
    host: 'shop.example.com',
    hosts: ['shop.example.com'],
    paths: [
      { path: '/api', pathType: 'Prefix', backend: { component: 'api', service: 'shop-api', port: 8080 }, rateLimit: undefined, at: 'ingress.routes[0]' },
      { path: '/', pathType: 'Prefix', backend: { component: 'web', service: 'shop-web', port: 8081 }, rateLimit: undefined, at: 'ingress.routes[1]' },
    ],
    redirects: [],
    certificateHosts: ['shop.example.com'],
    tls: { secretName: 'shop-tls', issuer: 'letsencrypt-prod' },
    limits: { maxBodySize: undefined, timeoutSeconds: 60, rateLimit: undefined, responseHeaders: {}, httpsRedirect: true },
  });
});

test('several hosts serve the same paths and one certificate covers them and every redirect source', () => {
  const routes = systemRoutes(contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'production'))!;
  expect(routes.hosts).toEqual(['shop.example.com', 'admin.shop.example.com']);
  expect(routes.redirects).toEqual([{ from: 'www.shop.example.com', to: 'shop.example.com', at: 'ingress.redirects[0]' }]);
  expect(routes.certificateHosts).toEqual(['shop.example.com', 'admin.shop.example.com', 'www.shop.example.com']);
});

test('security headers and HSTS become one sorted set of response headers', () => {
  const routes = systemRoutes(contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'production'))!;
  expect(Object.keys(routes.limits.responseHeaders)).toEqual([
    'Content-Security-Policy',
    'Referrer-Policy',
    'Strict-Transport-Security',
    'X-Content-Type-Options',
    'X-Frame-Options',
  ]);
  expect(routes.limits.responseHeaders).toEqual({ ...SECURITY_HEADERS, ...HSTS_HEADER });
  expect(routes.limits.timeoutSeconds).toBe(90);
});

test('HSTS is not sent without TLS, and plain HTTP is then not redirected', () => {
  const ctx = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'production');
  const plain = { ...ctx, spec: { ...ctx.spec, ingress: { ...ctx.spec.ingress!, tls: false } } };
  const routes = systemRoutes(plain)!;
  expect(routes.tls).toBeUndefined();
  expect(routes.limits.httpsRedirect).toBe(false);
  expect(routes.limits.responseHeaders).toEqual(SECURITY_HEADERS);
});

test('a spec without ingress has no routes', () => {
  const ctx = contextOf(MINIMAL, PLATFORM, 'production');
  expect(systemRoutes({ ...ctx, spec: { ...ctx.spec, ingress: undefined } })).toBeUndefined();
});

describe('the HTTP-01 solver runs in the app namespace', () => {
  test('with ingress-nginx, TLS and an HTTP-01 issuer', () => {
    expect(needsHttp01Solver(contextOf(MINIMAL, PLATFORM, 'production'))).toBe(true);
  });

  test('not with Gateway API, whose Certificates and solver pods live in the Gateway namespace', () => {
    expect(needsHttp01Solver(contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'production'))).toBe(false);
    expect(needsHttp01Solver(contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'dev'))).toBe(true);
  });

  test('not with DNS-01, which starts no solver pods', () => {
    const ctx = contextOf(MINIMAL, PLATFORM, 'production');
    const certificates = { ...ctx.platform.certificates!, dns01: { provider: 'route53' as const, region: 'eu-central-1' } };
    expect(needsHttp01Solver({ ...ctx, platform: { ...ctx.platform, certificates } })).toBe(false);
  });

  test('not without TLS', () => {
    const ctx = contextOf(MINIMAL, PLATFORM, 'production');
    expect(needsHttp01Solver({ ...ctx, spec: { ...ctx.spec, ingress: { ...ctx.spec.ingress!, tls: false } } })).toBe(false);
  });
});
