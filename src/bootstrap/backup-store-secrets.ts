/**
 * The object store's key pair when platform.yaml's backupStore credentials are mode
 * `bootstrap`: nothing in git carries it, so `npm run bootstrap` creates the Secrets the
 * charts would otherwise have the operators write. One per namespace of a system with backups
 * (its jobs upload and restore with it) and Longhorn's, in longhorn-system, which also needs
 * the store's endpoint. Values come from environment variables and stay in memory.
 */
import { LONGHORN_BACKUP_SECRET, LONGHORN_NAMESPACE } from '../../charts/platform-chart';
import { STORE_KEYS } from '../model/backup-store';
import { resolvePlatform, systemContext } from '../model/context';
import { MANAGED_BY, names, systemLabels } from '../model/names';
import type { LoadedSpecs } from '../spec/load';
import type { BootstrapSecret } from './plan';

/** Environment variable holding one key of the store's pair: BACKUP_STORE_AWS_ACCESS_KEY_ID. */
export function storeVariable(key: (typeof STORE_KEYS)[number]): string {
  return `BACKUP_STORE_${key}`;
}

/** The store Secrets to create, and the variables that were missing (empty or unset). */
export interface StoreSecretsPlan {
  readonly secrets: BootstrapSecret[];
  readonly missing: string[];
}

/**
 * The store Secrets of one environment; none when its store is absent or its credentials are
 * not mode bootstrap. A missing variable is reported, not thrown, so the caller can name
 * every missing variable in one line.
 */
export function backupStoreSecretsPlan(specs: LoadedSpecs, env: string, vars: Readonly<Record<string, string | undefined>>): StoreSecretsPlan {
  const platform = resolvePlatform(specs.platform, env);
  const store = platform.backupStore;
  if (store?.credentials.mode !== 'bootstrap') return { secrets: [], missing: [] };
  const variables: Record<string, string> = Object.fromEntries(STORE_KEYS.map((k) => [k, storeVariable(k)]));
  const missing = STORE_KEYS.map(storeVariable).filter((v) => vars[v] === undefined || vars[v] === '');
  const pair: Record<string, string> = Object.fromEntries(STORE_KEYS.map((k) => [k, vars[storeVariable(k)] ?? '']));
  const secrets: BootstrapSecret[] = [];
  for (const system of specs.systems) {
    const spec = system.environments.get(env);
    if (spec === undefined || (spec.backups ?? []).length === 0) continue;
    const ctx = systemContext(spec, platform);
    secrets.push({
      variables,
      object: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: names.backupStoreSecret(ctx), namespace: ctx.namespace, labels: systemLabels(ctx) },
        type: 'Opaque',
        stringData: { ...pair },
      },
    });
  }
  // Longhorn's backup target exists whenever the store does (charts/platform-chart.ts). The
  // Secret is the cluster's, shared by environments on one cluster: no environment label.
  secrets.push({
    variables,
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: LONGHORN_BACKUP_SECRET,
        namespace: LONGHORN_NAMESPACE,
        labels: { 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/managed-by': MANAGED_BY },
      },
      type: 'Opaque',
      stringData: { ...pair, AWS_ENDPOINTS: store.endpoint },
    },
  });
  return { secrets, missing };
}
