/**
 * The S3-compatible object store of one environment (platform.yaml `backupStore`, with the
 * environment's fields replacing the top-level ones): where every backup job uploads, where
 * restore Jobs fetch from, and Longhorn's backup target.
 */
import type { BackupStore, BackupStoreCredentials, PlatformSpec } from '../spec/platform.generated';
import type { Problem } from '../spec/errors';

/** A complete store: every field present. */
export interface ResolvedBackupStore {
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly credentials: BackupStoreCredentials;
}

/** Keys of the Secret holding the store's access key pair (the names rclone, Longhorn and the AWS tools read). */
export const STORE_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;

function merged(spec: PlatformSpec, env: string): BackupStore | undefined {
  const top = spec.backupStore;
  const own = spec.environments[env]?.backupStore;
  if (top === undefined && own === undefined) return undefined;
  return { ...top, ...own };
}

/** What is missing from an environment's store, as problems at its platform.yaml path. */
export function backupStoreProblems(spec: PlatformSpec): Problem[] {
  const problems: Problem[] = [];
  const anywhere = spec.backupStore !== undefined || Object.values(spec.environments).some((e) => e.backupStore !== undefined);
  if (!anywhere) return problems;
  for (const env of Object.keys(spec.environments)) {
    const s = merged(spec, env)!;
    const at = `environments.${env}.backupStore`;
    for (const field of ['endpoint', 'bucket', 'region', 'credentials'] as const) {
      if (s[field] === undefined) {
        problems.push({ path: `${at}.${field}`, problem: `is missing: every environment needs a complete backup store (set it here or under the top-level backupStore)` });
      }
    }
    const c = s.credentials;
    if (c?.mode === 'external' && (c.store === undefined || c.remoteKey === undefined)) {
      problems.push({ path: `${at}.credentials`, problem: `is mode external but has no ${c.store === undefined ? 'store' : 'remoteKey'}; name the external-secrets store and the key holding ${STORE_KEYS.join(' and ')}` });
    }
    if (c?.mode === 'sealed' && c.encryptedData === undefined) {
      problems.push({ path: `${at}.credentials`, problem: 'is mode sealed but has no encryptedData; seal AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with kubeseal --scope cluster-wide' });
    }
  }
  return problems;
}

/** The store of an environment, or undefined when platform.yaml names none (backups then stay in the cluster). */
export function resolveBackupStore(spec: PlatformSpec, env: string): ResolvedBackupStore | undefined {
  const s = merged(spec, env);
  if (s === undefined) return undefined;
  if (s.endpoint === undefined || s.bucket === undefined || s.region === undefined || s.credentials === undefined) {
    throw new Error(`platform.yaml: environments.${env}.backupStore is incomplete; loadPlatform reports which field`);
  }
  return { endpoint: s.endpoint.replace(/\/$/, ''), bucket: s.bucket, region: s.region, credentials: s.credentials };
}

/** TCP port the store listens on, from its endpoint URL: the egress NetworkPolicies allow it. */
export function storePort(store: ResolvedBackupStore): number {
  const url = new URL(store.endpoint);
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
