import { Config } from '../../charts/config';
import { minimalContext, only, synth } from './context';

test('config becomes the ConfigMap <system>-config, keys sorted and values as strings', () => {
  const ctx = minimalContext({ config: { WORKERS: 4, DEBUG: false, APP_MODE: 'production' } });
  const cm = only(synth((s) => new Config(s, 'config', { ctx })), 'ConfigMap', 'shop-config');
  expect(cm.data).toEqual({ APP_MODE: 'production', DEBUG: 'false', WORKERS: '4' });
  expect(Object.keys(cm.data)).toEqual(['APP_MODE', 'DEBUG', 'WORKERS']);
  expect(cm.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-3');
});

test('configFiles become the ConfigMap <system>-files', () => {
  const ctx = minimalContext({ configFiles: { 'app.ini': '[app]\nmode = prod\n' } });
  const cm = only(synth((s) => new Config(s, 'config', { ctx })), 'ConfigMap', 'shop-files');
  expect(cm.data).toEqual({ 'app.ini': '[app]\nmode = prod\n' });
});

test('a spec without config emits no ConfigMap', () => {
  expect(synth((s) => new Config(s, 'config', { ctx: minimalContext() }))).toEqual([]);
});
