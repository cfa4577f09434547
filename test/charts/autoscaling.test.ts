import { Autoscaling } from '../../charts/autoscaling';
import { DEFAULTS } from '../../src/model/context';
import { minimalContext, only, synth } from './context';

test('an HPA scales its Deployment on CPU, at the default target unless the spec sets one', () => {
  const ctx = minimalContext();
  const hpa = only(synth((s) => new Autoscaling(s, 'hpa', { ctx, deployment: 'shop-api', autoscaling: { minReplicas: 2, maxReplicas: 6 } })), 'HorizontalPodAutoscaler', 'shop-api');
  expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-api' });
  expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 6]);
  expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(DEFAULTS.targetCPUUtilization);
});
