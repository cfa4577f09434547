import { ServiceAccounts } from '../../charts/rbac';
import { minimalContext, synth } from './context';

test('one ServiceAccount per name, sorted, none mounting its token', () => {
  const manifests = synth((s) => new ServiceAccounts(s, 'sa', { ctx: minimalContext(), names: ['shop-web', 'shop-api'] }));
  expect(manifests.map((m) => [m.kind, m.metadata.name, m.automountServiceAccountToken])).toEqual([
    ['ServiceAccount', 'shop-api', false],
    ['ServiceAccount', 'shop-web', false],
  ]);
});
