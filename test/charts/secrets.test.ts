import { Secrets } from '../../charts/secrets';
import { minimalContext, only, synth } from './context';

test('external secrets become an ExternalSecret <system>-secrets that may sync with its CRD', () => {
  const ctx = minimalContext({ secrets: { mode: 'external', store: { name: 'vault' }, keys: ['SECRET_KEY', 'API_KEY'] } } as never);
  const es = only(synth((s) => new Secrets(s, 'secrets', { ctx })), 'ExternalSecret', 'shop-secrets');
  expect(es.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
  expect(es.spec.target.name).toBe('shop-secrets');
  expect(es.spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual(['API_KEY', 'SECRET_KEY']);
});

test('bootstrap-mode secrets emit nothing: bootstrap creates the Secret in the cluster', () => {
  const ctx = minimalContext({ secrets: { mode: 'bootstrap', keys: ['SECRET_KEY'] } } as never);
  expect(synth((s) => new Secrets(s, 'secrets', { ctx }))).toEqual([]);
});
