/**
 * Edits one scalar in a YAML spec by splicing the text, so everything else (comments, blank
 * lines, flow maps, quoting) stays byte for byte as the author wrote it. The `yaml` package
 * locates the nodes; re-stringifying the whole document would reflow other lines.
 */
import { isMap, isScalar, parseDocument, Scalar, YAMLMap } from 'yaml';

/** Column of a text offset (0-based), i.e. the indentation of a block map's keys. */
function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** `key:` lines for the missing part of a path, ending in `last: value`, block style. */
function blockLines(keys: readonly string[], value: string, indent: number): string {
  return keys.map((k, i) => `${' '.repeat(indent + 2 * i)}${k}:${i === keys.length - 1 ? ` ${value}` : ''}\n`).join('');
}

/** `k1: { k2: value }` for the missing part of a path, flow style. */
function flowEntry(keys: readonly string[], value: string): string {
  return keys.reduceRight((inner, k, i) => (i === keys.length - 1 ? `${k}: ${value}` : `${k}: { ${inner} }`), '');
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/**
 * Sets `path` to a plain scalar `value` (which must not need quoting), creating the missing
 * maps. Throws when the path crosses a non-map value or the result would not parse back to
 * the document with just that change.
 */
export function setScalarInText(text: string, path: readonly string[], value: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`cannot edit: ${doc.errors[0].message}`);
  let map: unknown = doc.contents;
  let result: string | undefined;
  for (let i = 0; i < path.length && result === undefined; i++) {
    if (!isMap(map)) throw new Error(`cannot edit: ${path.slice(0, i).join('.')} is not a mapping`);
    const m = map as YAMLMap;
    const pair = m.items.find((p) => isScalar(p.key) && String((p.key as Scalar).value) === path[i]);
    const rest = path.slice(i);
    if (pair === undefined) {
      // The key is missing: add it (and what lies below it) as the map's last entry.
      const [start, end] = m.range!;
      if (m.flow) {
        const last = m.items[m.items.length - 1];
        const after = last === undefined ? text.indexOf('{', start) + 1 : (last.value as Scalar | null)?.range?.[1] ?? (last.key as Scalar).range![1];
        result = splice(text, after, after, `${last === undefined ? ' ' : ', '}${flowEntry(rest, value)}${last === undefined ? ' ' : ''}`);
      } else {
        // A block map ends at the start of the line after its last entry.
        const at = text[end - 1] === '\n' || end === text.length ? end : text.indexOf('\n', end) + 1;
        const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
        result = splice(text, at, at, prefix + blockLines(rest, value, columnOf(text, start)));
      }
    } else if (i === path.length - 1) {
      const node = pair.value as Scalar | null;
      if (node !== null && !isScalar(node)) throw new Error(`cannot edit: ${path.join('.')} is not a single value`);
      const keyEnd = (pair.key as Scalar).range![1];
      const range = node?.range ?? undefined;
      result =
        range !== undefined && range[1] > range[0]
          ? splice(text, range[0], range[1], value)
          : splice(text, keyEnd, text.indexOf(':', keyEnd) + 1, `: ${value}`);
    } else if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
      // `staging:` or `staging: null`: the environment has no overrides yet.
      const key = pair.key as Scalar;
      const node = pair.value as Scalar | null;
      const range = node?.range ?? undefined;
      let edited = text;
      if (range !== undefined && range[1] > range[0]) edited = splice(text, text.lastIndexOf(':', range[0]) + 1, range[1], '');
      const lineEnd = edited.indexOf('\n', key.range![0]);
      const at = lineEnd === -1 ? edited.length : lineEnd + 1;
      result = splice(edited, at, at, (lineEnd === -1 ? '\n' : '') + blockLines(path.slice(i + 1), value, columnOf(edited, key.range![0]) + 2));
    } else {
      map = pair.value;
    }
  }
  // The guard: the edited text must mean the original document with only this value set.
  const expected = parseDocument(text).toJS() as Record<string, unknown>;
  let at = expected;
  for (const key of path.slice(0, -1)) {
    if (at[key] === null || at[key] === undefined) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
  const actual = parseDocument(result!);
  if (actual.errors.length > 0 || JSON.stringify(actual.toJS()) !== JSON.stringify(expected)) {
    throw new Error(`cannot edit ${path.join('.')} in place without changing other fields; edit the file by hand`);
  }
  return result!;
}
