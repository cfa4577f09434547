/**
 * Metadata shared by every chart: namespace, labels and the Argo CD sync wave that orders
 * the sync (namespace, storage and config first; workloads; ingress last).
 */
import type { ApiObjectMetadata } from 'cdk8s';
import type { SystemContext } from '../src/model/context';
import { systemLabels } from '../src/model/names';

/**
 * Argo CD sync waves, lowest first.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export const WAVE = {
  namespace: -5,
  storage: -4,
  config: -3,
  database: -2,
  migration: -1,
  workload: 0,
  jobs: 1,
  ingress: 2,
} as const;

/**
 * Sync waves of the environment's shared folders: in apps/, the AppProjects first, then the
 * platform Application, then the systems' Applications (ordered across child Applications by
 * the health check bootstrap adds); in platform/, the StorageClass before what uses it.
 */
export const APP_WAVE = {
  projects: -2,
  platform: -1,
  systems: 0,
  storageClass: -1,
} as const;

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * Argo CD sync options, each spelled once.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
 */
export const SYNC_OPTION = {
  /** Sync an object whose CRD arrives in the same sync (its operator is installed by another Application). */
  skipDryRunOnMissingResource: 'SkipDryRunOnMissingResource=true',
  /** Never prune the object when it leaves git. */
  noPrune: 'Prune=false',
  /** Never delete the object when its Application is deleted. */
  noDelete: 'Delete=false',
  createNamespace: 'CreateNamespace=true',
  prunePropagationForeground: 'PrunePropagationPolicy=foreground',
  pruneLast: 'PruneLast=true',
  respectIgnoreDifferences: 'RespectIgnoreDifferences=true',
  serverSideApply: 'ServerSideApply=true',
} as const;

/** Annotations of a custom resource whose CRD may be installed in the same sync. */
export const SKIP_DRY_RUN_ON_MISSING_RESOURCE = { [SYNC_OPTIONS]: SYNC_OPTION.skipDryRunOnMissingResource };

/** Annotations of an object Argo CD must never prune or delete (volumes, StorageClasses). */
export const KEEP = { [SYNC_OPTIONS]: `${SYNC_OPTION.noPrune},${SYNC_OPTION.noDelete}` };

/** Metadata of a namespaced object of the system, in the given sync wave. */
export function objectMeta(
  ctx: SystemContext,
  name: string,
  wave: number,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): ApiObjectMetadata & { name: string } {
  return {
    name,
    namespace: ctx.namespace,
    labels: { ...systemLabels(ctx), ...extra.labels },
    annotations: { [SYNC_WAVE]: String(wave), ...extra.annotations },
  };
}
