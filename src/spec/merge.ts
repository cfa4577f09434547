/**
 * Environment overrides: objects merge key by key, lists and scalars replace, and `null`
 * removes a field (so production can drop `replicas` when it adds `autoscaling`).
 */
export function deepMerge<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = deepMerge(out[key], value);
  }
  return out as T;
}

/** Whether `path` (dotted, [i] for items) names something the override sets itself. */
export function overrideSets(override: unknown, path: string): boolean {
  let node: unknown = override;
  for (const key of splitPath(path)) {
    if (typeof key === 'number') return Array.isArray(node) || node === undefined ? node !== undefined : false;
    if (!isPlainObject(node) || !(key in node)) return false;
    node = node[key];
    if (Array.isArray(node)) return true;
  }
  return true;
}

function splitPath(path: string): Array<string | number> {
  const keys: Array<string | number> = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((\[\d+\])*)$/.exec(part);
    if (!m) {
      keys.push(part);
      continue;
    }
    if (m[1] !== '') keys.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) keys.push(Number(idx[1]));
  }
  return keys;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
