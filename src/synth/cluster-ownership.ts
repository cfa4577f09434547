/**
 * Cluster-wide platform objects are owned once per cluster. When several environments of
 * platform.yaml share one cluster, the StorageClass, the Longhorn RecurringJob and a shared
 * ClusterIssuer are the same objects there: the first environment (in platform.yaml's order)
 * on that cluster emits them, later ones leave them out, so no two Argo CD Applications own
 * (and prune, and undo) one object. Two environments that would emit the same object with
 * different content (labels aside, which name the environment) cannot share it: that is an
 * error on the later environment's cluster.
 */
import { App } from 'cdk8s';
import { PlatformChart } from '../../charts/platform-chart';
import { resolvePlatform } from '../model/context';
import { SpecError } from '../spec/errors';
import { displayPath } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';
import type { Manifest } from '../model/manifest';

/** An object as the cluster acts on it: labels (which name the environment) are bookkeeping. */
function behaviour(m: Manifest): string {
  return JSON.stringify({ ...m, metadata: { ...m.metadata, labels: undefined } });
}

function keyOf(m: Manifest): string {
  return `${m.apiVersion} ${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}

function platformManifests(platformSpec: PlatformSpec, env: string): Manifest[] {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  return new PlatformChart(app, `platform-${env}`, { platform: resolvePlatform(platformSpec, env) }).toJson() as Manifest[];
}

/**
 * The platform objects `env` owns: its own manifests less those an earlier environment on the
 * same cluster owns already. Conflicting duplicates are reported in `errors`.
 */
export function ownedOncePerCluster(platformSpec: PlatformSpec, env: string, manifests: readonly Manifest[], platformFile: string, errors: SpecError[]): Manifest[] {
  const envs = Object.keys(platformSpec.environments);
  const cluster = platformSpec.environments[env].cluster;
  const earlier = envs.slice(0, envs.indexOf(env)).filter((e) => platformSpec.environments[e].cluster === cluster);
  if (earlier.length === 0) return [...manifests];
  const owned = new Map<string, { env: string; json: string }>();
  for (const e of earlier) {
    for (const m of platformManifests(platformSpec, e)) if (!owned.has(keyOf(m))) owned.set(keyOf(m), { env: e, json: behaviour(m) });
  }
  return manifests.filter((m) => {
    const first = owned.get(keyOf(m));
    if (first === undefined) return true;
    if (first.json !== behaviour(m)) {
      errors.push(
        new SpecError(
          displayPath(platformFile),
          `environments.${env}.cluster`,
          `is the cluster of ${first.env} too, where ${m.kind} ${m.metadata.name} exists once, but ${env} defines it differently; give both environments the same settings for it (e.g. the same certificates), or a cluster of their own`,
        ),
      );
    }
    return false;
  });
}
