/**
 * Rules that depend on the environment a merged spec deploys to, as platform.yaml describes
 * it: in an environment with `requireImageDigests`, every image the spec names must carry an
 * @sha256 digest, so production runs exactly the bytes staging tested.
 */
import type { AppSpec } from './app-spec.generated';
import type { Problem } from './errors';
import { parseImage } from './image-ref';
import type { PlatformSpec } from './platform.generated';

/** Every image a spec names, with the field path that names it. */
export function specImages(spec: AppSpec): Array<{ path: string; image: string }> {
  const out: Array<{ path: string; image: string }> = [];
  for (const [name, c] of Object.entries(spec.components)) {
    out.push({ path: `components.${name}.image`, image: c.image });
    (c.initContainers ?? []).forEach((x, i) => x.image !== undefined && out.push({ path: `components.${name}.initContainers[${i}].image`, image: x.image }));
    (c.sidecars ?? []).forEach((x, i) => x.image !== undefined && out.push({ path: `components.${name}.sidecars[${i}].image`, image: x.image }));
  }
  if (spec.database?.image !== undefined) out.push({ path: 'database.image', image: spec.database.image });
  if (spec.cache?.image !== undefined) out.push({ path: 'cache.image', image: spec.cache.image });
  (spec.backups ?? []).forEach((b, i) => b.image !== undefined && out.push({ path: `backups[${i}].image`, image: b.image }));
  return out;
}

export function checkEnvironmentRules(spec: AppSpec, env: string, platform: PlatformSpec): Problem[] {
  if (platform.environments[env]?.requireImageDigests !== true) return [];
  return specImages(spec)
    .filter(({ image }) => parseImage(image).digest === undefined)
    .map(({ path, image }) => ({
      path,
      problem: `is ${JSON.stringify(image)} without a digest, but platform.yaml requires image digests in ${env}; pin it as ${image}@sha256:<64 hex> (npm run set-image with COMPONENT=IMAGE:TAG@sha256:..., or npm run promote from the environment that tested it)`,
    }));
}
