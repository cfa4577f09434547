/**
 * cdk8s resolves every value of every object before it writes it (ApiObject.toJson): each
 * value, down to the last string, goes through the App's resolvers (Lazy values, tokens,
 * IntOrString-like unions) with a fresh context and a copy of its key path. For the plain JSON
 * our charts build, nothing is ever replaced, and that pass was 9 % of a full synth's CPU time
 * (node --cpu-prof at N=100: 440 ms of 5.0 s).
 *
 * skipResolveOfPlainData wraps cdk8s' resolve so that a value made only of plain objects,
 * arrays and primitives is returned as it is (the caller, sanitizeValue, copies it); anything
 * else (a Lazy from cdk8s-plus, an object with a resolve() method, a class instance) takes
 * cdk8s' own path, whole. Plain data is a fixed point of the built-in resolvers: Lazy is a
 * class, a token has a resolve function, and the union resolver skips plain objects and reads
 * `.value`, which no primitive or plain array has. An App with resolvers of its own (we pass
 * none) is always resolved by cdk8s.
 */
import { App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import type { ApiObject } from 'cdk8s';
// The CommonJS exports object itself (api-object.js and metadata.js call resolve through it);
// an ES namespace import would be a copy.
import cdk8sResolve = require('cdk8s/lib/resolve');

type Resolve = (key: string[], value: unknown, apiObject: ApiObject) => unknown;

const BUILT_IN: readonly Function[] = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];

/** Whether a value holds only plain objects, arrays without extra properties, and primitives. */
export function isPlainData(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return true;
  if (t !== 'object') return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || (value as { value?: unknown }).value !== undefined) return false;
    for (const item of value) if (!isPlainData(item)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value as Record<string, unknown>) if (!isPlainData((value as Record<string, unknown>)[key])) return false;
  return true;
}

/** Whether an App's resolvers are only the three cdk8s adds to every App, in its order. */
function onlyBuiltInResolvers(apiObject: ApiObject): boolean {
  const resolvers = App.of(apiObject).resolvers;
  return resolvers.length === BUILT_IN.length && resolvers.every((r, i) => r.constructor === BUILT_IN[i]);
}

let installed = false;

/** Installs the wrapper once per module instance of cdk8s (idempotent). */
export function skipResolveOfPlainData(): void {
  if (installed) return;
  installed = true;
  const module = cdk8sResolve as unknown as { resolve: Resolve };
  const original = module.resolve;
  module.resolve = (key, value, apiObject) => (isPlainData(value) && onlyBuiltInResolvers(apiObject) ? value : original(key, value, apiObject));
}
