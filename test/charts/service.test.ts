import { Service } from '../../charts/service';
import { minimalContext, only, synth } from './context';

test('a Service sends its port to the named container port http of the workload it selects', () => {
  const svc = only(synth((s) => new Service(s, 'svc', { ctx: minimalContext(), name: 'shop-api', workload: 'api', port: 8080 })), 'Service', 'shop-api');
  expect(svc.spec.type).toBe('ClusterIP');
  expect(svc.spec.clusterIP).toBeUndefined();
  expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
  expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop-api', 'app.kubernetes.io/instance': 'shop-dev' });
});

test('a headless Service (a StatefulSet\'s) has clusterIP None and syncs with the database', () => {
  const svc = only(synth((s) => new Service(s, 'svc', { ctx: minimalContext(), name: 'shop-postgres', workload: 'postgres', port: 5432, headless: true })), 'Service', 'shop-postgres');
  expect(svc.spec.clusterIP).toBe('None');
  expect(svc.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
});
