/**
 * The add-on releases one platform runs: platform.yaml's `addons`, each missing entry the
 * catalogue's default. A release without a committed artifact in crds/ is a platform error.
 */
import type { PlatformSpec } from '../spec/platform.generated';
import type { Problem } from '../spec/errors';
import { ADDON_NAMES, ADDONS, AddonName } from './catalogue';

/** The release of every add-on, e.g. `{ externalSecrets: 'v1.3.2', ... }`. */
export type AddonReleases = Readonly<Record<AddonName, string>>;

/** The catalogue's defaults: the newest release the Go module proxy serves. */
export const DEFAULT_RELEASES: AddonReleases = Object.fromEntries(
  ADDON_NAMES.map((name) => [name, ADDONS[name].defaultRelease]),
) as Record<AddonName, string>;

export function resolveAddons(spec: Pick<PlatformSpec, 'addons'>): AddonReleases {
  const named = (spec.addons ?? {}) as Partial<Record<AddonName, string>>;
  return Object.fromEntries(ADDON_NAMES.map((name) => [name, named[name] ?? ADDONS[name].defaultRelease])) as Record<AddonName, string>;
}

/** Releases platform.yaml names that crds/ holds no schemas for. */
export function checkAddonReleases(spec: Pick<PlatformSpec, 'addons'>): Problem[] {
  const named = (spec.addons ?? {}) as Partial<Record<AddonName, string>>;
  const problems: Problem[] = [];
  for (const name of ADDON_NAMES) {
    const release = named[name];
    if (release === undefined || ADDONS[name].releases.includes(release)) continue;
    problems.push({
      path: `addons.${name}`,
      problem:
        `is ${JSON.stringify(release)} but crds/ holds no CRD schemas of ${ADDONS[name].title} ${release}; ` +
        `known releases: ${ADDONS[name].releases.join(', ')} (to add one, list it in src/addons/catalogue.ts and run npm run crds)`,
    });
  }
  return problems;
}
