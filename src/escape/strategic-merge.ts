/**
 * Strategic merge patch, as `kubectl patch --type strategic` applies it to the fields our
 * objects have: maps merge key by key, `null` removes a field, `$patch: replace` replaces a
 * map, lists of objects that Kubernetes merges by a key (containers, volumes, env, ...) merge
 * item by item by that key, `$patch: delete` removes such an item, and every other list is
 * replaced as a whole.
 * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/
 */

/** The patch merge key of each list field Kubernetes merges item by item (x-kubernetes-patch-merge-key). */
export const MERGE_KEYS: Readonly<Record<string, readonly string[]>> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  imagePullSecrets: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey'],
  // Container ports merge by containerPort, Service ports by port.
  ports: ['containerPort', 'port'],
};

type Json = unknown;

function isMap(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withoutDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutDirectives);
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k, x]) => k !== '$patch' && x !== null).map(([k, x]) => [k, withoutDirectives(x)]));
}

/** A problem with a patch, at a path inside it (`/spec/template/...`). */
export class StrategicMergeError extends Error {}

function mergeList(target: Json, patch: readonly Json[], field: string, at: string): Json {
  const keys = MERGE_KEYS[field];
  const key = keys?.find((k) => patch.every((item) => isMap(item) && item[k] !== undefined));
  if (key === undefined) {
    if (patch.some((item) => isMap(item) && item.$patch !== undefined)) {
      throw new StrategicMergeError(`${at}: $patch in a list item needs a list Kubernetes merges by key (${Object.keys(MERGE_KEYS).join(', ')}) and the key in every item`);
    }
    return withoutDirectives(patch);
  }
  const out: Json[] = Array.isArray(target) ? [...target] : [];
  for (const item of patch as Array<Record<string, Json>>) {
    const index = out.findIndex((x) => isMap(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeValue(out[index], item, field, `${at}/${index}`);
    else out.push(withoutDirectives(item));
  }
  return out;
}

function mergeValue(target: Json, patch: Json, field: string, at: string): Json {
  if (Array.isArray(patch)) return mergeList(target, patch, field, at);
  if (!isMap(patch)) return patch;
  if (patch.$patch === 'replace' || !isMap(target)) return withoutDirectives(patch);
  if (patch.$patch !== undefined && patch.$patch !== 'merge') {
    throw new StrategicMergeError(`${at}: $patch is ${JSON.stringify(patch.$patch)}; a map takes replace or merge (delete removes list items)`);
  }
  const out: Record<string, Json> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (v === null) delete out[k];
    else out[k] = mergeValue(out[k], v, k, `${at}/${k}`);
  }
  return out;
}

/** `target` with `patch` applied; neither is modified. */
export function strategicMerge<T>(target: T, patch: Record<string, unknown>): T {
  return mergeValue(structuredClone(target), patch, '', '') as T;
}
