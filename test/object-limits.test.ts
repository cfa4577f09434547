/**
 * Every object-level limit can fail: each case breaks one limit of an otherwise valid object.
 * And every object synthesized from apps/ passes them all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { MAX_OBJECT_BYTES, objectLimitProblems, SURELY_SMALL_YAML_BYTES } from '../src/synth/object-limits';
import { manifestYaml } from '../src/synth/serialize';
import type { Manifest } from '../src/model/manifest';

const DIST = resolve(__dirname, '..', 'dist');

function deployment(patch: (d: Record<string, any>) => void): Manifest {
  const d: Record<string, any> = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop-api', namespace: 'shop-dev', labels: { 'app.kubernetes.io/name': 'shop-api' } },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'shop-api' } },
        spec: { containers: [{ name: 'api', image: 'registry.example.com/shop-api:v1.0.0' }], volumes: [{ name: 'scratch-tmp', emptyDir: {} }] },
      },
    },
  };
  patch(d);
  return d as Manifest;
}

test('a valid Deployment has no problems', () => {
  expect(objectLimitProblems(deployment(() => undefined))).toEqual([]);
});

test.each([
  ['a label value over 63 characters', (d: any) => (d.metadata.labels.x = 'a'.repeat(64)), 'metadata.labels x="aaaa'],
  ['a label value ending in a dash', (d: any) => (d.spec.template.metadata.labels.x = 'shop-'), 'spec.template.metadata.labels x="shop-" is not a label value'],
  ['a label key with two slashes', (d: any) => (d.metadata.labels['a/b/c'] = 'x'), 'metadata.labels key "a/b/c" is not a label key'],
  ['a selector label value that is too long', (d: any) => (d.spec.selector.matchLabels.x = 'b'.repeat(70)), 'spec.selector.matchLabels x='],
  ['an image with the latest tag', (d: any) => (d.spec.template.spec.containers[0].image = 'postgres:latest'), `container api: the image "postgres:latest" uses the tag 'latest'`],
  ['an image without tag or digest', (d: any) => (d.spec.template.spec.containers[0].image = 'redis'), 'container api: the image "redis" has neither a tag nor a digest'],
  ['an init container image that breaks the grammar', (d: any) => (d.spec.template.spec.initContainers = [{ name: 'init', image: 'Registry/App:v1' }]), 'container init: the image "Registry/App:v1" has the path component "Registry"'],
  ['two pod volumes with one name', (d: any) => d.spec.template.spec.volumes.push({ name: 'scratch-tmp', emptyDir: {} }), 'has two volumes named "scratch-tmp"'],
  ['a pod volume name that is not a DNS label', (d: any) => (d.spec.template.spec.volumes[0].name = 'Scratch_Tmp'), 'volume "Scratch_Tmp" is not a DNS label'],
  ['a name that is not a DNS subdomain', (d: any) => (d.metadata.name = 'shop_api'), 'metadata.name "shop_api" is not a DNS subdomain'],
  ['an object over 1 MiB', (d: any) => (d.metadata.annotations = { big: 'x'.repeat(1024 * 1024) }), 'Kubernetes refuses objects over 1048576 bytes'],
])('rejects %s', (_what, patch, problem) => {
  expect(objectLimitProblems(deployment(patch))).toEqual([expect.stringContaining(problem)]);
});

test.each([
  ['a CronJob name over 52 characters', 'CronJob', 'c'.repeat(53), 'a CronJob name has at most 52'],
  ['a Job name over 63 characters', 'Job', 'j'.repeat(64), 'a Job name has at most 63'],
  ['a Service name with a dot', 'Service', 'shop.api', 'metadata.name "shop.api" is not a DNS label'],
  ['a Namespace name over 63 characters', 'Namespace', 'n'.repeat(64), 'a Namespace name has at most 63'],
])('rejects %s', (_what, kind, name, problem) => {
  expect(objectLimitProblems({ apiVersion: 'v1', kind, metadata: { name } })).toEqual([expect.stringContaining(problem)]);
});

test('rejects a ConfigMap key Kubernetes refuses', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-files' }, data: { 'app config.ini': 'x' } };
  expect(objectLimitProblems(cm)).toEqual(['data key "app config.ini" is not a ConfigMap key ([-._a-zA-Z0-9]+, at most 253 characters)']);
});

/** Every object of the committed dist/, with its file. */
function distManifests(dir = DIST): Array<[string, Manifest]> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e): Array<[string, Manifest]> => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return distManifests(p);
    return e.name.endsWith('.yaml') ? [[p, load(readFileSync(p, 'utf8')) as Manifest]] : [];
  });
}

test('every object in the committed dist/ passes every limit', () => {
  const problems = distManifests().flatMap(([p, m]) => objectLimitProblems(m).map((problem) => `${p}: ${problem}`));
  expect(problems).toEqual([]);
});

describe('an object whose YAML is small enough skips its serialization safely', () => {
  const jsonBytes = (m: unknown) => Buffer.byteLength(JSON.stringify(m));
  const yamlBytes = (m: Manifest) => Buffer.byteLength(manifestYaml(m, 'apps/shop.yaml'));

  test('JSON is at most twice the YAML synth writes, for every object of dist/', () => {
    const manifests = distManifests();
    expect(manifests.length).toBeGreaterThan(500);
    expect(manifests.filter(([, m]) => jsonBytes(m) > 2 * yamlBytes(m)).map(([p]) => p)).toEqual([]);
  });

  test.each([
    ['tabs', '\t'.repeat(5000)],
    ['newlines', '\n'.repeat(5000)],
    ['control characters', '\u0001\u0002'.repeat(2500)],
    ['quotes and backslashes', '"\\'.repeat(2500)],
    ['many one-letter keys', undefined],
    ['non-ASCII text', 'ü€😀'.repeat(2000)],
  ])('JSON is at most twice the YAML for %s', (_name, value) => {
    const data = value === undefined ? Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, ''])) : { v: value };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-files' }, data } as Manifest;
    expect(jsonBytes(cm)).toBeLessThanOrEqual(2 * yamlBytes(cm));
  });

  test('an object over the limit is refused whether or not its YAML size is given', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-files' }, data: { big: 'x'.repeat(MAX_OBJECT_BYTES) } } as Manifest;
    const problem = expect.stringContaining('Kubernetes refuses objects over');
    expect(objectLimitProblems(cm, yamlBytes(cm))).toEqual([problem]);
    expect(objectLimitProblems(cm)).toEqual([problem]);
    expect(yamlBytes(cm)).toBeGreaterThan(SURELY_SMALL_YAML_BYTES);
  });
});
