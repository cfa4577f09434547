/**
 * Custom objects are checked against the real CRDs of the add-on releases platform.yaml names
 * (crds/, from the releases' Go modules): the API version must be served, the fields must be
 * the CRD's. dist/ holds for the default releases and for the older set.
 */
import { ADDON_NAMES, ADDONS, OLDER_RELEASES } from '../src/addons/catalogue';
import { stripDescriptions } from '../src/addons/artifact';
import { artifactOf, crdProblems } from '../src/addons/crd-validate';
import { goRegExp } from '../src/addons/go-regexp';
import { checkAddonReleases, DEFAULT_RELEASES, resolveAddons } from '../src/addons/releases';
import type { Manifest } from '../src/model/manifest';
import { schemaProblems } from '../src/synth/validate';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizeRepo, ROOT } from './support/manifests';

const { folders } = synthesizeRepo();
const all: Manifest[] = [...folders.values()].flat();
const custom = all.filter((m) => crdProblems(m, DEFAULT_RELEASES) !== undefined);

const externalSecret = (apiVersion: string, spec: Record<string, unknown>): Manifest => ({
  apiVersion,
  kind: 'ExternalSecret',
  metadata: { name: 'app-secrets', namespace: 'app-dev' },
  spec,
});
const validSpec = {
  refreshInterval: '1h',
  secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
  target: { name: 'app-secrets', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
  data: [{ secretKey: 'A', remoteRef: { key: 'app/dev', property: 'A' } }],
};

test('dist/ holds custom objects of six add-ons, all of them checked against CRDs', () => {
  const groups = [...new Set(custom.map((m) => m.apiVersion.split('/')[0]))].sort();
  expect(groups).toEqual(['argoproj.io', 'bitnami.com', 'cert-manager.io', 'external-secrets.io', 'longhorn.io', 'monitoring.coreos.com']);
});

test('every ExternalSecret in dist/ is external-secrets.io/v1', () => {
  const versions = new Set(all.filter((m) => m.kind === 'ExternalSecret').map((m) => m.apiVersion));
  expect([...versions]).toEqual(['external-secrets.io/v1']);
});

test('every custom object in dist/ matches the CRDs of the default releases', () => {
  expect(custom.flatMap((m) => crdProblems(m, DEFAULT_RELEASES)!.map((p) => `${m.kind}/${m.metadata.name}: ${p}`))).toEqual([]);
});

test('every custom object in dist/ matches the CRDs of the older release set', () => {
  const older = resolveAddons({ addons: OLDER_RELEASES });
  expect(older.externalSecrets).toBe('v0.16.2');
  expect(custom.flatMap((m) => crdProblems(m, older)!.map((p) => `${m.kind}/${m.metadata.name}: ${p}`))).toEqual([]);
});

test('rejects an ExternalSecret in a version the release does not serve, naming the release', () => {
  expect(schemaProblems(externalSecret('external-secrets.io/v1beta1', validSpec))).toEqual([
    'apiVersion: external-secrets.io/v1beta1 ExternalSecret is not served by External Secrets v1.3.2 (platform.yaml addons.externalSecrets); it serves external-secrets.io/v1',
  ]);
});

test('the older release still serves v1beta1, so the same object passes there', () => {
  expect(schemaProblems(externalSecret('external-secrets.io/v1beta1', validSpec), resolveAddons({ addons: { externalSecrets: 'v0.16.2' } }))).toEqual([]);
});

test('rejects a field the CRD does not define, with its path', () => {
  const spec = { ...validSpec, target: { ...validSpec.target, owner: 'me' } };
  expect(schemaProblems(externalSecret('external-secrets.io/v1', spec))).toEqual(['spec.target: has the field "owner", which the CRD does not define']);
});

test('rejects a value outside the CRD enum, listing the allowed ones', () => {
  const spec = { ...validSpec, target: { ...validSpec.target, creationPolicy: 'Always' } };
  expect(schemaProblems(externalSecret('external-secrets.io/v1', spec))).toEqual(['spec.target.creationPolicy: must be one of "Owner", "Orphan", "Merge", "None"']);
});

test('rejects a status, which only the controller writes', () => {
  expect(schemaProblems({ ...externalSecret('external-secrets.io/v1', validSpec), status: {} })).toEqual([
    "status: is written by the add-on's controller; dist/ must not set it",
  ]);
});

test('rejects a kind the catalogue has no CRD file for, saying where to add it', () => {
  expect(crdProblems({ apiVersion: 'external-secrets.io/v1', kind: 'PushSecret' }, DEFAULT_RELEASES)).toEqual([
    'kind: PushSecret is not among the external-secrets.io kinds whose CRDs crds/ holds for External Secrets v1.3.2 (platform.yaml addons.externalSecrets): ExternalSecret; add its CRD file to src/addons/catalogue.ts and run npm run crds',
  ]);
});

test('built-in kinds are left to the Kubernetes schemas', () => {
  expect(crdProblems({ apiVersion: 'apps/v1', kind: 'Deployment' }, DEFAULT_RELEASES)).toBeUndefined();
});

test('rejects a release crds/ holds no schemas for, naming the known ones', () => {
  expect(checkAddonReleases({ addons: { externalSecrets: 'v2.9.0' } })).toEqual([
    {
      path: 'addons.externalSecrets',
      problem:
        'is "v2.9.0" but crds/ holds no CRD schemas of External Secrets v2.9.0; known releases: v0.16.2, v1.3.2 (to add one, list it in src/addons/catalogue.ts and run npm run crds)',
    },
  ]);
});

test('platform.yaml names the default release of every add-on', () => {
  expect(resolveAddons(load(readFileSync(join(ROOT, 'platform.yaml'), 'utf8')) as never)).toEqual(DEFAULT_RELEASES);
});

test.each(ADDON_NAMES)('the editor schema states the default release of %s', (name) => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'platform.schema.json'), 'utf8'));
  expect(schema.properties.addons.properties[name].description).toContain(`default ${ADDONS[name].defaultRelease}`);
});

test.each(ADDON_NAMES.flatMap((name) => ADDONS[name].releases.map((r) => [name, r] as const)))('the artifact of %s %s names its source and serves a version of each kind', (name, release) => {
  const artifact = artifactOf(name, release);
  expect(artifact.release).toBe(release);
  expect(artifact.source).toMatch(ADDONS[name].module === undefined ? /^written in imports\/longhorn\.ts/ : new RegExp(`^${ADDONS[name].module}@${release} h1:`));
  for (const kind of artifact.kinds) expect(kind.versions.some((v) => v.served)).toBe(true);
});

test('stripping descriptions keeps a property that is named description', () => {
  const schema = { description: 'the kind', type: 'object', properties: { description: { type: 'string', description: 'a text' } } };
  expect(stripDescriptions(schema)).toEqual({ type: 'object', properties: { description: { type: 'string' } } });
});

test('Go regular expressions JavaScript cannot read go to RE2', () => {
  expect(goRegExp('^(?i)(abort|warn)?$', 'u').test('WARN')).toBe(true);
  expect(goRegExp('^(?i)(abort|warn)?$', 'u').test('stop')).toBe(false);
});
