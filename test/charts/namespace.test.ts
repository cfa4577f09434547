import { Namespace } from '../../charts/namespace';
import { minimalContext, only, synth } from './context';

test('the namespace is <system>-<env>, enforces the restricted Pod Security Standard and syncs first', () => {
  const ns = only(synth((s) => new Namespace(s, 'ns', { ctx: minimalContext() })), 'Namespace', 'shop-dev');
  expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
  expect(ns.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-5');
});

test('a namespace set in the spec replaces the derived one', () => {
  const manifests = synth((s) => new Namespace(s, 'ns', { ctx: minimalContext({ namespace: 'shop' }) }));
  expect(manifests.map((m) => m.metadata.name)).toEqual(['shop']);
});
