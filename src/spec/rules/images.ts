/**
 * Every image the spec names, for components (and their init containers and sidecars), the
 * database, the cache and backups, obeys the distribution reference grammar and is pinned
 * (never `latest`). The schema's pattern is a first filter; this is the grammar the runtime applies.
 */
import type { AppSpec } from '../app-spec.generated';
import { imageReferenceProblem, parseImageReference } from '../image-reference';

type Add = (path: string, problem: string) => void;

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

export function checkImages(spec: AppSpec, add: Add): void {
  for (const { path, image } of specImages(spec)) {
    if (/^components\.[^.]+\.image$/.test(path)) {
      // Component images: 'latest' has its own rule in rules.ts; here only the grammar.
      const parsed = parseImageReference(image);
      if (typeof parsed === 'string') add(path, `${JSON.stringify(image)} ${parsed}`);
      continue;
    }
    const problem = imageReferenceProblem(image);
    if (problem !== undefined) add(path, `${JSON.stringify(image)} ${problem}`);
  }
}
