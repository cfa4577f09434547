/**
 * Environments that share a cluster own each cluster-wide platform object once: the first
 * environment on the cluster emits it, the later ones leave it out.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSpecs } from '../src/spec/load';
import { buildTree } from '../src/synth/build';

const REPO = resolve(__dirname, '..');

test('staging on the cluster of dev emits no second StorageClass or RecurringJob, but its own ClusterIssuer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-ownership-'));
  try {
    cpSync(join(REPO, 'test', 'fixtures', 'minimal-spec'), join(dir, 'apps'), { recursive: true });
    const platform = readFileSync(join(REPO, 'platform.yaml'), 'utf8').replace('cluster: https://staging.k8s.voltaic.systems', 'cluster: https://kubernetes.default.svc');
    writeFileSync(join(dir, 'platform.yaml'), platform);
    const spec = readFileSync(join(dir, 'apps', 'shop.yaml'), 'utf8').replace('  production:\n', '  staging: {}\n  production:\n');
    writeFileSync(join(dir, 'apps', 'shop.yaml'), spec);
    const { tree } = buildTree(loadSpecs(join(dir, 'apps'), join(dir, 'platform.yaml')), join(dir, 'platform.yaml'));
    const folder = (env: string) => [...tree.keys()].filter((p) => p.startsWith(`${env}/platform/`)).sort();
    expect(folder('dev')).toEqual(['dev/platform/clusterissuer-letsencrypt-staging.yaml', 'dev/platform/recurringjob-backup-daily.yaml', 'dev/platform/storageclass-longhorn-ssd.yaml']);
    // staging's issuer is letsencrypt-prod (the platform default), a different object: it keeps it.
    expect(folder('staging')).toEqual(['staging/platform/clusterissuer-letsencrypt-prod.yaml']);
    expect(folder('production')).toEqual(['production/platform/clusterissuer-letsencrypt-prod.yaml', 'production/platform/recurringjob-backup-daily.yaml', 'production/platform/storageclass-longhorn-ssd.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
