/** Every synthesized object is checked against its upstream schema, found through one table. */
import type { Manifest } from '../src/model/manifest';
import { KNOWN_MODELS, schemaProblems } from '../src/synth/validate';
import { synthesizeRepo } from './support/manifests';

const { folders } = synthesizeRepo();
const kinds = new Set([...folders.values()].flat().map((m: Manifest) => `${m.apiVersion}/${m.kind}`));

test('every kind in dist/ but Longhorn (no published package) has its model in the static table', () => {
  const missing = [...kinds].filter((k) => k !== 'longhorn.io/v1beta2/RecurringJob' && !(k in KNOWN_MODELS));
  expect(missing).toEqual([]);
});

test.each(Object.keys(KNOWN_MODELS))('the table entry %s loads the model of that kind', (key) => {
  const model = new (KNOWN_MODELS[key]())({}) as unknown as { apiVersion: string; kind: string };
  expect(`${model.apiVersion}/${model.kind}`).toBe(key);
});

test('an object that breaks its schema is reported with the field path', () => {
  const deployment: Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: { replicas: 'three', selector: { matchLabels: { app: 'api' } }, template: { spec: { containers: [{ name: 'api' }] } } },
  };
  expect(schemaProblems(deployment)).toEqual(['spec.replicas: must be integer']);
});

test('a kind outside the table is still validated, found by its module path', () => {
  const role: Manifest = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ verbs: 'get' }] };
  expect(schemaProblems(role)).toEqual(['rules[0].verbs: must be array']);
});

test('rejects a kind no package describes instead of passing it unchecked', () => {
  expect(() => schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toThrow(/no schema is known for example.com\/v1 Widget/);
});
