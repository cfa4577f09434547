/**
 * Gateway API routing against a real kube-apiserver serving the standard-channel CRDs of
 * sigs.k8s.io/gateway-api v1.7.0, CEL rules included: every object the routing charts emit for
 * a system behind the platform Gateway (with and without TLS, with several hosts and a www
 * redirect) and the platform Gateway itself is accepted by a server-side dry-run apply with
 * strict field validation and no warning; a broken HTTPRoute is rejected, proving the CRD's
 * rules run.
 */
import { App, Testing } from 'cdk8s';
import { PlatformChart } from '../../charts/platform-chart';
import { SystemChart } from '../../charts/system-chart';
import type { SystemContext } from '../../src/model/context';
import { contextOf, GATEWAY_PLATFORM, ROUTING_SHOP } from '../support/routing-context';
import { Api, K8sObject } from './api';
import { ControlPlane, startControlPlane } from './control-plane';
import { gatewayApiCrds } from './gateway-api-crds';

let cp: ControlPlane;
let api: Api;

const tls = contextOf(ROUTING_SHOP, GATEWAY_PLATFORM, 'production');
const plain: SystemContext = { ...tls, namespace: 'shop-plain', spec: { ...tls.spec, ingress: { ...tls.spec.ingress!, tls: false } } };

function systemObjects(ctx: SystemContext): K8sObject[] {
  return new SystemChart(new App({ outdir: '/nonexistent' }), ctx.namespace, { ctx }).toJson() as K8sObject[];
}

const gatewayKinds = (objects: K8sObject[]) => objects.filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io/'));

beforeAll(async () => {
  const crds = gatewayApiCrds();
  cp = await startControlPlane({ log: () => undefined });
  api = new Api(cp);
  for (const crd of crds) expect((await api.apply(crd)).status).toBeLessThan(300);
  for (const crd of crds) await api.waitEstablished(crd.metadata.name);
  for (const name of ['gateway-system', 'shop-production', 'shop-plain']) {
    expect((await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).status).toBeLessThan(300);
  }
}, 180000);

afterAll(async () => {
  await cp?.stop();
});

async function problems(objects: K8sObject[]): Promise<string[]> {
  const out: string[] = [];
  for (const o of objects) {
    const r = await api.apply(o, { dryRun: true });
    const at = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (r.status >= 300) out.push(`${at}: ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`);
    for (const w of r.warnings) out.push(`${at}: warning: ${w}`);
  }
  return out;
}

test('the platform Gateway and its HTTPS redirect route are accepted with no warning', async () => {
  const objects = gatewayKinds(new PlatformChart(Testing.app(), 'platform', { platform: tls.platform, systems: [tls, plain] }).toJson() as K8sObject[]);
  expect(objects.map((o) => o.kind)).toEqual(['Gateway', 'HTTPRoute']);
  expect(await problems(objects)).toEqual([]);
});

test('every object of a system with TLS, several hosts and a www redirect is accepted with no warning', async () => {
  const objects = systemObjects(tls).filter((o) => o.kind !== 'Namespace');
  expect(gatewayKinds(objects).map((o) => o.metadata.name)).toEqual(['shop', 'shop-redirect-www-shop-example-com']);
  expect(await problems(objects)).toEqual([]);
});

test('the HTTPRoutes of a system without TLS, on the shared HTTP listener, are accepted with no warning', async () => {
  expect(await problems(gatewayKinds(systemObjects(plain)))).toEqual([]);
});

test('rejects a redirect route that also names a backend (the CRD rules run)', async () => {
  const redirect = structuredClone(gatewayKinds(systemObjects(tls)).find((o) => o.metadata.name === 'shop-redirect-www-shop-example-com')!) as K8sObject & { spec: { rules: Array<Record<string, unknown>> } };
  redirect.spec.rules[0].backendRefs = [{ name: 'shop-web', port: 8081 }];
  const r = await api.apply(redirect, { dryRun: true });
  expect(r.status).toBe(422);
  expect(r.body.message).toContain('RequestRedirect filter must not be used together with backendRefs');
});
