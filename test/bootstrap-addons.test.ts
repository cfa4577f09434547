import { join } from 'node:path';
import { addonRequirements, describeMissingAddons } from '../src/bootstrap/addons';
import { resolvePlatform } from '../src/model/context';
import { loadSpecs } from '../src/spec/load';

const ROOT = join(__dirname, '..');
const platform = resolvePlatform(loadSpecs(join(ROOT, 'apps'), join(ROOT, 'platform.yaml')).platform, 'dev');

describe('addonRequirements', () => {
  test('lists the namespaces platform.yaml names and the custom kinds dist/<env>/ uses, sorted', () => {
    const reqs = addonRequirements(join(ROOT, 'dist'), platform);
    expect(reqs.filter((r) => r.type === 'namespace')).toEqual([
      { addon: 'Longhorn', type: 'namespace', name: 'longhorn-system' },
      { addon: 'the ingress controller', type: 'namespace', name: 'ingress-nginx' },
      { addon: 'monitoring', type: 'namespace', name: 'monitoring' },
    ]);
    const kinds = reqs.flatMap((r) => (r.type === 'kind' ? [`${r.addon}: ${r.apiVersion.split('/')[0]} ${r.kind}`] : []));
    expect(kinds).toEqual([
      'sealed-secrets: bitnami.com SealedSecret',
      'cert-manager: cert-manager.io ClusterIssuer',
      'External Secrets: external-secrets.io ExternalSecret',
      'Longhorn: longhorn.io BackupTarget',
      'Longhorn: longhorn.io RecurringJob',
      'prometheus-operator: monitoring.coreos.com PrometheusRule',
      'prometheus-operator: monitoring.coreos.com ServiceMonitor',
    ]);
  });

  test('finds nothing for an environment without a dist/ folder', () => {
    expect(addonRequirements(join(ROOT, 'no-such-dist'), platform).filter((r) => r.type === 'kind')).toEqual([]);
  });
});

describe('describeMissingAddons', () => {
  test('says nothing when nothing is missing', () => {
    expect(describeMissingAddons([])).toBeUndefined();
  });

  test('groups what is missing by add-on, in the order given', () => {
    expect(
      describeMissingAddons([
        { addon: 'Longhorn', type: 'namespace', name: 'longhorn-system' },
        { addon: 'cert-manager', type: 'kind', apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer' },
        { addon: 'Longhorn', type: 'kind', apiVersion: 'longhorn.io/v1beta2', kind: 'RecurringJob' },
      ]),
    ).toBe(
      'add-ons this environment relies on are missing in the cluster: Longhorn (namespace longhorn-system, longhorn.io/v1beta2 RecurringJob), ' +
        'cert-manager (cert-manager.io/v1 ClusterIssuer); install them, then run bootstrap again (nothing was applied)',
    );
  });
});
