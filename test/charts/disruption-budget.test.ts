import { DisruptionBudget } from '../../charts/disruption-budget';
import { minimalContext, only, synth } from './context';

test('a PDB lets one pod go at a time and never blocks a drain on an unhealthy pod', () => {
  const pdb = only(synth((s) => new DisruptionBudget(s, 'pdb', { ctx: minimalContext(), workload: 'api' })), 'PodDisruptionBudget', 'shop-api');
  expect(pdb.spec.maxUnavailable).toBe(1);
  expect(pdb.spec.minAvailable).toBeUndefined();
  expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  expect(pdb.spec.selector.matchLabels['app.kubernetes.io/name']).toBe('shop-api');
});
