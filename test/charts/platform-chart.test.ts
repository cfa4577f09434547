import { App } from 'cdk8s';
import { PlatformChart } from '../../charts/platform-chart';
import type { Manifest } from '../../src/model/manifest';
import { resolvePlatform } from '../../src/model/context';
import { only, PLATFORM } from './context';

const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
const manifests = new PlatformChart(app, 'platform', { platform: resolvePlatform(PLATFORM, 'dev') }).toJson() as Manifest[];

test('the StorageClass is cluster-scoped, retains volumes, is never pruned and syncs first', () => {
  const sc = only(manifests, 'StorageClass', resolvePlatform(PLATFORM, 'dev').storageClassName);
  expect(sc.metadata.namespace).toBeUndefined();
  expect(sc.reclaimPolicy).toBe('Retain');
  expect(sc.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'argocd.argoproj.io/sync-wave': '-1' });
});

test('without certificates in the platform there is no ClusterIssuer', () => {
  expect(manifests.filter((m) => m.kind === 'ClusterIssuer')).toEqual([]);
});
