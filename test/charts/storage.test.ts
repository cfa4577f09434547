import { Storage } from '../../charts/storage';
import { minimalContext, only, synth } from './context';

test('a volume becomes the PVC <system>-<volume> that Argo CD never prunes or deletes', () => {
  const ctx = minimalContext({ storage: { volumes: { data: { size: '5Gi' } } } } as never);
  const pvc = only(synth((s) => new Storage(s, 'storage', { ctx })), 'PersistentVolumeClaim', 'shop-data');
  expect(pvc.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  expect(pvc.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-4');
  expect(pvc.spec.resources.requests.storage).toBe('5Gi');
  expect(pvc.spec.storageClassName).toBe(ctx.platform.storageClassName);
});
