/**
 * A minimal context for testing one chart construct on its own: a small spec with one web
 * component (merged with what a test adds) and a platform with every default. No file is read.
 */
import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { resolvePlatform, SystemContext, systemContext } from '../../src/model/context';
import type { Manifest } from '../../src/model/manifest';
import type { AppSpec, Component } from '../../src/spec/app-spec.generated';
import type { PlatformSpec } from '../../src/spec/platform.generated';

/** A platform with one environment, `dev`, and every other setting at its default. */
export const PLATFORM: PlatformSpec = {
  repoURL: 'https://git.example.com/gitops.git',
  targetRevision: 'main',
  environments: { dev: { cluster: 'https://kubernetes.default.svc' } },
};

/** A web component with the fields every component needs. */
export function webComponent(extra: Partial<Component> = {}): Component {
  return {
    kind: 'web',
    image: 'registry.example.com/shop-api:v1.0.0',
    port: 8080,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    probes: { liveness: { path: '/health' }, readiness: { path: '/health' } },
    ...extra,
  } as Component;
}

/** The context of system `shop` in `dev`, with one component `api` unless `spec` says otherwise. */
export function minimalContext(spec: Partial<AppSpec> = {}, platform: PlatformSpec = PLATFORM): SystemContext {
  const full = { name: 'shop', components: { api: webComponent() }, environments: { dev: null }, ...spec } as unknown as AppSpec;
  return systemContext(full, resolvePlatform(platform, 'dev'));
}

/** The manifests one construct adds to an empty chart. */
export function synth(add: (scope: Construct) => void): Manifest[] {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  add(chart);
  return chart.toJson() as Manifest[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** The one manifest of a kind and name; fails the test when there is none or more than one. */
export function only(manifests: readonly Manifest[], kind: string, name: string): Loose {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found[0];
}
