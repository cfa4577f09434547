/**
 * Remembering the result of a pure check of one string. A spec's values recur in each of its
 * environments (every merged spec carries the base's), and specs made from one template share
 * most of theirs: the secret-value scan and the PromQL parse ran again for each.
 */

/** At most this many inputs are remembered per function; beyond, it starts afresh. */
const MAX_ENTRIES = 10_000;

/** `fn`, answering an input it has seen from memory (undefined results too). */
export function memoizeByString<T>(fn: (input: string) => T): (input: string) => T {
  const seen = new Map<string, T>();
  return (input) => {
    if (seen.has(input)) return seen.get(input) as T;
    const result = fn(input);
    if (seen.size >= MAX_ENTRIES) seen.clear();
    seen.set(input, result);
    return result;
  };
}
