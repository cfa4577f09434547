/** platform.yaml backupStore: merging per environment, completeness, and what it renders. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { PlatformChart } from '../charts/platform-chart';
import { crdProblems } from '../src/addons/crd-validate';
import { DEFAULT_RELEASES } from '../src/addons/releases';
import { resolvePlatform } from '../src/model/context';
import type { Manifest } from '../src/model/manifest';
import { backupStoreProblems, resolveBackupStore, storePort } from '../src/model/backup-store';
import { SpecErrors } from '../src/spec/errors';
import { loadPlatform } from '../src/spec/load';
import type { PlatformSpec } from '../src/spec/platform.generated';
import { find, ROOT, synthesizeRepo } from './support/manifests';

const platform = loadPlatform(join(ROOT, 'platform.yaml'));
const { folders } = synthesizeRepo();

test('an environment takes the top-level store and replaces the fields it sets', () => {
  expect(resolveBackupStore(platform, 'staging')).toEqual({
    endpoint: 'https://s3.eu-central-1.amazonaws.com',
    bucket: 'voltaic-backups-staging',
    region: 'eu-central-1',
    credentials: { mode: 'external', store: { kind: 'ClusterSecretStore', name: 'vault' }, remoteKey: 'platform/backup-store' },
  });
});

test('the store port comes from the endpoint URL', () => {
  expect(storePort(resolveBackupStore(platform, 'dev')!)).toBe(443);
  expect(storePort({ ...resolveBackupStore(platform, 'dev')!, endpoint: 'http://minio.backup.svc:9000' })).toBe(9000);
});

test('rejects an environment left without a bucket, and sealed credentials without encryptedData', () => {
  const spec: PlatformSpec = {
    ...platform,
    backupStore: { ...platform.backupStore, credentials: { mode: 'sealed' } },
    environments: { ...platform.environments, staging: { cluster: 'https://staging.k8s.voltaic.systems' } },
  };
  expect(backupStoreProblems(spec)).toEqual([
    { path: 'environments.dev.backupStore.credentials', problem: 'is mode sealed but has no encryptedData; seal AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with kubeseal --scope cluster-wide' },
    { path: 'environments.staging.backupStore.bucket', problem: 'is missing: every environment needs a complete backup store (set it here or under the top-level backupStore)' },
    { path: 'environments.staging.backupStore.credentials', problem: 'is mode sealed but has no encryptedData; seal AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with kubeseal --scope cluster-wide' },
    { path: 'environments.production.backupStore.credentials', problem: 'is mode sealed but has no encryptedData; seal AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with kubeseal --scope cluster-wide' },
  ]);
});

test("Longhorn's backup target is the same bucket, with the key pair and endpoint in its Secret", () => {
  const objs = folders.get('production/platform')!;
  expect(find(objs, 'BackupTarget', 'default').spec).toEqual({ backupTargetURL: 's3://voltaic-backups-production@eu-central-1/longhorn/', credentialSecret: 'longhorn-backup-store', pollInterval: '5m0s' });
  const secret = find(objs, 'ExternalSecret', 'longhorn-backup-store');
  expect(secret.metadata.namespace).toBe('longhorn-system');
  expect(secret.spec.target.template.data).toEqual({ AWS_ACCESS_KEY_ID: '{{ .AWS_ACCESS_KEY_ID }}', AWS_SECRET_ACCESS_KEY: '{{ .AWS_SECRET_ACCESS_KEY }}', AWS_ENDPOINTS: 'https://s3.eu-central-1.amazonaws.com' });
});

test('each system with backups reads the key pair into its own namespace by ExternalSecret', () => {
  const secret = find(folders.get('dev/memo-ai-coach')!, 'ExternalSecret', 'memo-ai-coach-backup-store');
  expect(secret.spec.data).toEqual([
    { secretKey: 'AWS_ACCESS_KEY_ID', remoteRef: { key: 'platform/backup-store', property: 'AWS_ACCESS_KEY_ID' } },
    { secretKey: 'AWS_SECRET_ACCESS_KEY', remoteRef: { key: 'platform/backup-store', property: 'AWS_SECRET_ACCESS_KEY' } },
  ]);
});

test('fails if platform.yaml leaves an environment without a bucket, naming the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-store-'));
  try {
    const file = join(dir, 'platform.yaml');
    writeFileSync(file, readFileSync(join(ROOT, 'platform.yaml'), 'utf8').replace('    backupStore: { bucket: voltaic-backups-staging }\n', ''));
    let caught: unknown;
    try {
      loadPlatform(file);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SpecErrors);
    expect((caught as SpecErrors).errors.map((e) => `${e.path}: ${e.problem}`)).toEqual([
      'environments.staging.backupStore.bucket: is missing: every environment needs a complete backup store (set it here or under the top-level backupStore)',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('mode sealed', () => {
  const sealedPlatform = resolvePlatform(platform, 'production');
  const sealed = {
    ...sealedPlatform,
    backupStore: { ...sealedPlatform.backupStore!, credentials: { mode: 'sealed' as const, encryptedData: { AWS_ACCESS_KEY_ID: 'AgBy3i4OJSWK', AWS_SECRET_ACCESS_KEY: 'AgCq8fX2mZ0P' } } },
  };
  const objs = new PlatformChart(Testing.app(), 'platform', { platform: sealed }).toJson() as Manifest[];
  const longhorn = objs.find((o) => o.kind === 'SealedSecret' && o.metadata.name === 'longhorn-backup-store')!;

  test("carries Longhorn's AWS_ENDPOINTS as plain template data beside the sealed key pair", () => {
    expect(longhorn.metadata.namespace).toBe('longhorn-system');
    expect((longhorn as unknown as { spec: { encryptedData: unknown; template: { data: unknown } } }).spec.encryptedData).toEqual({ AWS_ACCESS_KEY_ID: 'AgBy3i4OJSWK', AWS_SECRET_ACCESS_KEY: 'AgCq8fX2mZ0P' });
    expect((longhorn as unknown as { spec: { template: { data: unknown } } }).spec.template.data).toEqual({ AWS_ENDPOINTS: 'https://s3.eu-central-1.amazonaws.com' });
  });

  test('the SealedSecret with template data is valid against the real sealed-secrets v0.40.0 and v0.27.1 CRDs', () => {
    expect(crdProblems(longhorn, { ...DEFAULT_RELEASES, sealedSecrets: 'v0.40.0' })).toEqual([]);
    expect(crdProblems(longhorn, { ...DEFAULT_RELEASES, sealedSecrets: 'v0.27.1' })).toEqual([]);
  });

  test('rejects template data that is not a string map, so the check above can fail', () => {
    const bad = { ...longhorn, spec: { ...(longhorn as unknown as { spec: object }).spec, template: { data: { AWS_ENDPOINTS: 443 } } } };
    expect(crdProblems(bad, { ...DEFAULT_RELEASES, sealedSecrets: 'v0.40.0' })).toEqual(['spec.template.data.AWS_ENDPOINTS: must be string']);
  });
});
