/**
 * Copies of a spec must not serve the same hosts (synth refuses one host claimed by two
 * systems of an environment), so generators of synthetic systems give every host of a copy
 * its own parent domain: `voltaic.systems` -> `voltaic.systems.<tag>.test`. A www redirect
 * keeps its www.<host> -> <host> shape.
 */
export function uniqueHosts(specText: string, tag: string): string {
  const host = (h: string) => `${h}.${tag}.test`;
  return specText
    .replace(/^(\s*host:\s*)([a-z0-9.-]+)\s*$/gm, (_l, key: string, h: string) => `${key}${host(h)}`)
    .replace(/^(\s*hosts:\s*\[)([^\]]*)\]/gm, (_l, key: string, list: string) => `${key}${list.split(',').map((h) => host(h.trim())).join(', ')}]`)
    .replace(/(\{\s*from:\s*)([a-z0-9.-]+)(,\s*to:\s*)([a-z0-9.-]+)/g, (_l, a: string, from: string, b: string, to: string) => `${a}${host(from)}${b}${host(to)}`);
}
