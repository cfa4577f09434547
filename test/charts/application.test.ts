import { PlatformApplication, RootApplication, SystemApplication } from '../../argocd/application';
import { AppsChart } from '../../argocd/environment-charts';
import { App } from 'cdk8s';
import { resolvePlatform } from '../../src/model/context';
import type { Manifest } from '../../src/model/manifest';
import { minimalContext, only, PLATFORM, synth } from './context';

const platform = resolvePlatform(PLATFORM, 'dev');

test('a system\'s Application is <system>-<env> in the systems project, wave 0, and ignores replicas an HPA owns', () => {
  const app = only(
    synth((s) => new SystemApplication(s, 'shop', { platform, system: 'shop', namespace: 'shop-dev', autoscaledDeployments: ['shop-api'] })),
    'Application',
    'shop-dev',
  );
  expect(app.spec.project).toBe('dev-systems');
  expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
  expect(app.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true', 'PrunePropagationPolicy=foreground', 'PruneLast=true', 'RespectIgnoreDifferences=true', 'ServerSideApply=true']);
  expect(app.spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', name: 'shop-api', jsonPointers: ['/spec/replicas'] }]);
});

test('the platform Application syncs in wave -1, before the systems', () => {
  const app = only(synth((s) => new PlatformApplication(s, 'platform', { platform })), 'Application', 'platform-dev');
  expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
  expect(app.spec.project).toBe('dev-platform');
});

test('the root Application root-<env> syncs dist/<env>/apps', () => {
  const app = only(synth((s) => new RootApplication(s, 'root', { platform })), 'Application', 'root-dev');
  expect(app.spec.source.path).toBe('dist/dev/apps');
});

test('the apps folder takes the kinds and autoscaled Deployments from the system summaries, not from manifests', () => {
  const ctx = minimalContext();
  const chart = new AppsChart(new App({ outdir: '/nonexistent' }), 'apps', {
    platform,
    platformManifests: [],
    systems: [{ ctx, kinds: [{ group: 'apps', kind: 'Deployment', namespaced: true }, { group: '', kind: 'Namespace', namespaced: false }], autoscaledDeployments: ['shop-api'] }],
  });
  const manifests = chart.toJson() as Manifest[];
  const project = only(manifests, 'AppProject', 'dev-systems');
  expect(project.spec.namespaceResourceWhitelist).toEqual([{ group: 'apps', kind: 'Deployment' }]);
  expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  expect(only(manifests, 'Application', 'shop-dev').spec.ignoreDifferences[0].name).toBe('shop-api');
});

test('an environment whose platform/ folder is empty (its cluster-wide objects belong to an earlier environment on the cluster) gets no platform Application', () => {
  const ctx = minimalContext();
  const props = { platform, systems: [{ ctx, kinds: [], autoscaledDeployments: [] }] };
  const applications = (platformManifests: Manifest[]) =>
    (new AppsChart(new App({ outdir: '/nonexistent' }), 'apps', { ...props, platformManifests }).toJson() as Manifest[]).filter((m) => m.kind === 'Application').map((m) => m.metadata.name);
  const storageClass: Manifest = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'longhorn-ssd' } };
  expect(applications([])).toEqual(['shop-dev']);
  expect(applications([storageClass])).toEqual(['platform-dev', 'shop-dev']);
});
