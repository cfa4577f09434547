/**
 * JSON with every object's keys sorted, at every depth, so that two objects with the same
 * content give the same text whatever order their keys came in. (A `JSON.stringify` replacer
 * array is no substitute: it is an allow-list applied at every depth, so it drops every nested
 * key that is not also a top-level one.)
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
