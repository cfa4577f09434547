/**
 * Rules that depend on the environment a merged spec deploys to, as platform.yaml describes
 * it: in an environment with `requireImageDigests`, every image the spec names must carry an
 * @sha256 digest, so production runs exactly the bytes staging tested.
 */
import type { AppSpec } from '../app-spec.generated';
import type { Problem } from '../errors';
import { parseImage } from '../image-reference';
import type { PlatformSpec } from '../platform.generated';
import { specImages } from './images';

export function checkImageDigests(spec: AppSpec, env: string, platform: PlatformSpec): Problem[] {
  if (platform.environments[env]?.requireImageDigests !== true) return [];
  return specImages(spec)
    .filter(({ image }) => parseImage(image).digest === undefined)
    .map(({ path, image }) => ({
      path,
      problem: `is ${JSON.stringify(image)} without a digest, but platform.yaml requires image digests in ${env}; pin it as ${image}@sha256:<64 hex> (npm run set-image with COMPONENT=IMAGE:TAG@sha256:..., or npm run promote from the environment that tested it)`,
    }));
}
