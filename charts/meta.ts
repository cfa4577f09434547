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

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

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
