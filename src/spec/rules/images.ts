/**
 * Every image the spec names, for components, the database, the cache and backups, obeys the
 * distribution reference grammar and is pinned (never `latest`). The schema's pattern is a
 * first filter; this is the grammar the runtime applies.
 */
import type { AppSpec } from '../app-spec.generated';
import { imageReferenceProblem, parseImageReference } from '../image-reference';

type Add = (path: string, problem: string) => void;

export function checkImages(spec: AppSpec, add: Add): void {
  // Component images: 'latest' has its own rule in rules.ts; here only the grammar.
  for (const [name, c] of Object.entries(spec.components)) {
    const parsed = parseImageReference(c.image);
    if (typeof parsed === 'string') add(`components.${name}.image`, `${JSON.stringify(c.image)} ${parsed}`);
  }
  const images: Array<[string, string | undefined]> = [
    ['database.image', spec.database?.image],
    ['cache.image', spec.cache?.image],
    ...(spec.backups ?? []).map((b, i) => [`backups[${i}].image`, b.image] as [string, string | undefined]),
  ];
  for (const [path, image] of images) {
    if (image === undefined) continue;
    const problem = imageReferenceProblem(image);
    if (problem !== undefined) add(path, `${JSON.stringify(image)} ${problem}`);
  }
}
