import { Monitoring } from '../../charts/monitoring';
import { minimalContext, only, synth, webComponent } from './context';

const ctx = minimalContext({
  components: { api: webComponent({ metrics: { path: '/metrics' } }) },
  monitoring: {
    alerts: [{ name: 'ShopDown', expr: 'up{job="shop-api"} == 0', for: '5m', severity: 'critical' }],
    dashboard: { title: 'Shop', panels: [{ title: 'Requests', queries: [{ expr: 'rate(http_requests_total[5m])' }] }] },
  },
} as never);
const manifests = synth((s) => new Monitoring(s, 'monitoring', { ctx }));

test('metrics become a ServiceMonitor on the http port, every 30 s by default', () => {
  const sm = only(manifests, 'ServiceMonitor', 'shop-api');
  expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scheme: 'http' }]);
  expect(sm.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
});

test('alerts become the PrometheusRule <system> labelled with the namespace', () => {
  const rule = only(manifests, 'PrometheusRule', 'shop');
  expect(rule.spec.groups[0].rules[0].labels).toEqual({ severity: 'critical', namespace: 'shop-dev' });
});

test('the dashboard is the ConfigMap <system>-dashboard with one file <system>-<env>.json', () => {
  const cm = only(manifests, 'ConfigMap', 'shop-dashboard');
  expect(Object.keys(cm.data)).toEqual(['shop-dev.json']);
  expect(JSON.parse(cm.data['shop-dev.json']).uid).toBe('shop-dev');
  expect(cm.metadata.labels.grafana_dashboard).toBe('1');
});
