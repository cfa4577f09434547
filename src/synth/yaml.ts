/**
 * YAML text of a manifest, byte-identical to js-yaml's dump with the options below, but
 * faster: js-yaml decides the style of every scalar from scratch (a third of synth's CPU),
 * while manifests repeat the same keys and values thousands of times. Here the block
 * structure is written directly and each distinct scalar is styled once, by js-yaml itself,
 * and cached. A multi-line string comes back from js-yaml as a block scalar indented for the
 * top level; js-yaml picks its style without regard to depth (lineWidth -1) and indents its
 * lines two spaces past the line that holds it, so it is re-indented to where it stands.
 * Documents with shapes this writer does not handle (nested lists, keys js-yaml would write
 * as explicit `? key` entries) go to js-yaml whole. test/yaml.test.ts compares both on every
 * manifest and on awkward strings at every depth.
 */
import { dump, DumpOptions } from 'js-yaml';

export const DUMP_OPTIONS: DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

/** Scalars js-yaml styles the same wherever they stand in block context (keys included). */
const scalarCache = new Map<unknown, string>();
const MAX_CACHED = 200_000;
/** Longer strings are styled every time rather than held (config files embedded in ConfigMaps). */
const MAX_CACHED_LENGTH = 4096;
/** js-yaml writes a key longer than this as an explicit `? key` entry. */
const MAX_IMPLICIT_KEY = 1024;

class Unsupported extends Error {}

function scalar(value: string | number | boolean | null): string {
  let text = scalarCache.get(value);
  if (text === undefined) {
    text = dump(value, DUMP_OPTIONS).slice(0, -1);
    if (scalarCache.size < MAX_CACHED && (typeof value !== 'string' || value.length <= MAX_CACHED_LENGTH)) scalarCache.set(value, text);
  }
  return text;
}

/**
 * A value scalar whose continuation lines (those of a block scalar, the only styled text that
 * starts with | or >) stand `indent` deeper than at the top level; empty lines stay empty, as
 * js-yaml writes them.
 */
function valueScalar(value: string | number | boolean | null, indent: string): string {
  const text = scalar(value);
  if (indent === '' || typeof value !== 'string') return text;
  const first = text.charCodeAt(0);
  return first === 124 /* | */ || first === 62 /* > */ ? text.replace(/\n(?!\n|$)/g, `\n${indent}`) : text;
}

/** `key: ` as js-yaml writes it, by key. */
const keyCache = new Map<string, string>();

function keyScalar(key: string): string {
  let text = keyCache.get(key);
  if (text === undefined) {
    if (key.length > MAX_IMPLICIT_KEY || key.includes('\n')) throw new Unsupported();
    text = `${scalar(key)}:`;
    if (keyCache.size < MAX_CACHED) keyCache.set(key, text);
  }
  return text;
}

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isEmpty(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  // for...in over a JSON object: its own keys, without building a list of them.
  for (const _ in v as object) return false;
  return true;
}

/** Lines of a mapping whose keys start at `indent` spaces (the first line's prefix is the caller's). */
function mapping(obj: Record<string, unknown>, indent: string, out: string[], first: string): void {
  let prefix = first;
  // for...in rather than Object.entries: no array per entry (synthesized objects are plain JSON).
  for (const key in obj) {
    const value = obj[key];
    if (value === undefined) continue;
    const k = keyScalar(key);
    if (isScalar(value)) out.push(`${prefix}${k} ${valueScalar(value, indent)}`);
    else if (typeof value !== 'object') throw new Unsupported();
    else if (isEmpty(value)) out.push(`${prefix}${k} ${Array.isArray(value) ? '[]' : '{}'}`);
    else if (Array.isArray(value)) {
      out.push(`${prefix}${k}`);
      sequence(value, `${indent}  `, out);
    } else {
      out.push(`${prefix}${k}`);
      mapping(value as Record<string, unknown>, `${indent}  `, out, `${indent}  `);
    }
    prefix = indent;
  }
}

/** Lines of a block sequence whose dashes stand at `indent` spaces. */
function sequence(items: unknown[], indent: string, out: string[]): void {
  for (const item of items) {
    if (isScalar(item)) out.push(`${indent}- ${valueScalar(item, indent)}`);
    else if (Array.isArray(item) || typeof item !== 'object') throw new Unsupported();
    else if (isEmpty(item)) out.push(`${indent}- {}`);
    else mapping(item as Record<string, unknown>, `${indent}  `, out, `${indent}- `);
  }
}

/** `dump(doc, DUMP_OPTIONS)` for a JSON-shaped mapping. */
export function toYaml(doc: Record<string, unknown>): string {
  try {
    const out: string[] = [];
    mapping(doc, '', out, '');
    return out.length === 0 ? '{}\n' : `${out.join('\n')}\n`;
  } catch (e) {
    if (e instanceof Unsupported) return dump(doc, DUMP_OPTIONS);
    throw e;
  }
}
