import { NetworkPolicies } from '../../charts/network-policy';
import { minimalContext, only, synth } from './context';

const ctx = minimalContext({ ingress: { host: 'shop.example.com', routes: [{ path: '/', component: 'api' }] } } as never);
const manifests = synth((s) => new NetworkPolicies(s, 'np', { ctx }));

test('the namespace denies all ingress and egress by default', () => {
  const deny = only(manifests, 'NetworkPolicy', 'default-deny');
  expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
});

test('a routed component accepts the ingress controller on its port and resolves names through kube-dns', () => {
  const np = only(manifests, 'NetworkPolicy', 'shop-api');
  expect(np.spec.ingress).toEqual([
    {
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    },
  ]);
  expect(np.spec.egress).toEqual([
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    },
  ]);
});
