import { Workload } from '../../charts/workload';
import { minimalContext, only, synth, webComponent } from './context';

function deployment(component = webComponent(), spec = {}) {
  const ctx = minimalContext({ components: { api: component }, ...spec });
  return only(synth((s) => new Workload(s, 'api', { ctx, name: 'api', component })), 'Deployment', 'shop-api');
}

test('a component is the Deployment <system>-<component> with its pods from the one pod template', () => {
  const d = deployment();
  expect(d.spec.template.spec.serviceAccountName).toBe('shop-api');
  expect(d.spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  expect(d.spec.template.spec.containers[0].livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
  expect(d.spec.replicas).toBe(1);
});

test('a replicated component rolls one pod at a time and spreads over nodes', () => {
  const d = deployment(webComponent({ replicas: 3 }));
  expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  expect(d.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
});

test('an autoscaled component leaves replicas to its HPA', () => {
  expect(deployment(webComponent({ autoscaling: { minReplicas: 2, maxReplicas: 4 } })).spec.replicas).toBeUndefined();
});

test('a singleton stops its old pod before the new one starts', () => {
  const d = deployment(webComponent({ singleton: true }));
  expect(d.spec.strategy).toEqual({ type: 'Recreate' });
  expect(d.spec.template.spec.affinity).toBeUndefined();
});

test('a read-only root filesystem gets an emptyDir for each writable path', () => {
  const d = deployment(webComponent({ writablePaths: ['/var/log/shop', '/tmp'] }));
  expect(d.spec.template.spec.volumes).toEqual([
    { name: 'scratch-tmp', emptyDir: { sizeLimit: '1Gi' } },
    { name: 'scratch-var-log-shop', emptyDir: { sizeLimit: '1Gi' } },
  ]);
});
