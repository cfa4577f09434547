/** npm run bootstrap with backupStore credentials mode bootstrap: which Secrets, from which variables. */
import { join } from 'node:path';
import { load } from 'js-yaml';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { backupStoreSecretsPlan, storeVariable } from '../src/bootstrap/backup-store-secrets';
import { BootstrapError, bootstrapSecrets } from '../src/bootstrap/plan';
import { loadSpecs, LoadedSpecs } from '../src/spec/load';
import { ROOT } from './support/manifests';

const repo = loadSpecs(join(ROOT, 'apps'), join(ROOT, 'platform.yaml'));
/** The repository's specs with the store's credentials switched to mode bootstrap. */
const specs: LoadedSpecs = { ...repo, platform: { ...repo.platform, backupStore: { ...repo.platform.backupStore!, credentials: { mode: 'bootstrap' } } } };
const pair = { BACKUP_STORE_AWS_ACCESS_KEY_ID: 'AKIATESTKEYID', BACKUP_STORE_AWS_SECRET_ACCESS_KEY: 'test-secret-access-key' };
/** Every app bootstrap-secret variable of an environment, so only the store's are in question. */
function appVariables(env: string): Record<string, string> {
  const names = bootstrapSecrets(repo, env, new Proxy({}, { get: () => 'x' })).flatMap((s) => Object.values(s.variables));
  return Object.fromEntries(names.map((n) => [n, 'app-value']));
}

test('the store variables are named after the keys they hold', () => {
  expect(storeVariable('AWS_ACCESS_KEY_ID')).toBe('BACKUP_STORE_AWS_ACCESS_KEY_ID');
  expect(storeVariable('AWS_SECRET_ACCESS_KEY')).toBe('BACKUP_STORE_AWS_SECRET_ACCESS_KEY');
});

test('each system with backups gets the key pair in its namespace, and Longhorn gets it with the endpoint', () => {
  const { secrets, missing } = backupStoreSecretsPlan(specs, 'production', pair);
  expect(missing).toEqual([]);
  // The same namespaces and names as the ExternalSecrets synth emits in mode external.
  expect(secrets.map((s) => `${s.object.metadata.namespace}/${s.object.metadata.name}`)).toEqual([
    'magnetiq-full-production/magnetiq-full-backup-store',
    'magnetiq-simple-production/magnetiq-simple-backup-store',
    'magnetiq-production/magnetiq-backup-store',
    'memo-ai-coach-production/memo-ai-coach-backup-store',
    'tequipy-production/tequipy-backup-store',
    'longhorn-system/longhorn-backup-store',
  ]);
  for (const s of secrets.slice(0, -1)) {
    expect(s.object.stringData).toEqual({ AWS_ACCESS_KEY_ID: 'AKIATESTKEYID', AWS_SECRET_ACCESS_KEY: 'test-secret-access-key' });
    expect(s.variables).toEqual({ AWS_ACCESS_KEY_ID: 'BACKUP_STORE_AWS_ACCESS_KEY_ID', AWS_SECRET_ACCESS_KEY: 'BACKUP_STORE_AWS_SECRET_ACCESS_KEY' });
  }
  const longhorn = secrets[secrets.length - 1].object;
  expect(longhorn.stringData).toEqual({ AWS_ACCESS_KEY_ID: 'AKIATESTKEYID', AWS_SECRET_ACCESS_KEY: 'test-secret-access-key', AWS_ENDPOINTS: 'https://s3.eu-central-1.amazonaws.com' });
  expect(longhorn.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/managed-by': 'gitops-synth' });
});

test('creates nothing when the credentials are mode external (the operators write the Secrets)', () => {
  expect(backupStoreSecretsPlan(repo, 'production', pair)).toEqual({ secrets: [], missing: [] });
});

test('bootstrapSecrets adds the store Secrets to the app Secrets', () => {
  const all = bootstrapSecrets(specs, 'staging', { ...appVariables('staging'), ...pair });
  const appOnly = bootstrapSecrets(repo, 'staging', appVariables('staging'));
  expect(all.length).toBe(appOnly.length + backupStoreSecretsPlan(specs, 'staging', pair).secrets.length);
  expect(all.filter((s) => s.object.metadata.name === 'longhorn-backup-store')).toHaveLength(1);
});

test('rejects an empty or unset store variable, naming each one in one line', () => {
  expect(() => bootstrapSecrets(specs, 'staging', { ...appVariables('staging'), BACKUP_STORE_AWS_ACCESS_KEY_ID: '' })).toThrow(
    new BootstrapError('missing environment variables for bootstrap secrets: BACKUP_STORE_AWS_ACCESS_KEY_ID, BACKUP_STORE_AWS_SECRET_ACCESS_KEY (export each, then run again)'),
  );
});

test('rejects a missing app variable and a missing store variable together', () => {
  const vars: Record<string, string> = { ...appVariables('staging'), BACKUP_STORE_AWS_ACCESS_KEY_ID: 'AKIATESTKEYID' };
  const dropped = Object.keys(appVariables('staging'))[0];
  delete vars[dropped];
  expect(() => bootstrapSecrets(specs, 'staging', vars)).toThrow(`missing environment variables for bootstrap secrets: ${dropped}, BACKUP_STORE_AWS_SECRET_ACCESS_KEY (export each, then run again)`);
});

test('bootstrap creates exactly the store Secrets that synth would have the operators write in mode external', () => {
  const dist = join(ROOT, 'dist', 'production');
  const emitted = readdirSync(dist)
    .flatMap((d) => (statSync(join(dist, d)).isDirectory() ? readdirSync(join(dist, d)).filter((f) => /^externalsecret-.*-backup-store\.yaml$/.test(f)).map((f) => join(dist, d, f)) : []))
    .map((f) => load(readFileSync(f, 'utf8')) as { spec: { target: { name: string } }; metadata: { namespace: string } })
    .map((o) => `${o.metadata.namespace}/${o.spec.target.name}`)
    .sort();
  const created = backupStoreSecretsPlan(specs, 'production', pair).secrets.map((s) => `${s.object.metadata.namespace}/${s.object.metadata.name}`).sort();
  expect(created).toEqual(emitted);
});
