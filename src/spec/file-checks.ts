/**
 * Checks on a spec file before and right after parsing: it is a regular file inside the specs
 * folder (a symbolic link that leads out of it is refused: synth would read a file nobody
 * reviews with the specs), its bytes are UTF-8 (Node would swap bad bytes for U+FFFD without a
 * word), and its YAML aliases do not expand it beyond what any spec needs (a few anchors can
 * stand for gigabytes: "billion laughs").
 */
import { lstatSync, realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';

/** Expanded size past which a document is refused; far above any real spec (at most 256 KiB written). */
export const MAX_EXPANDED_BYTES = 4 * 1024 * 1024;

/** Why a spec file may not be read as a spec of `appsDir`, or undefined. */
export function specFileProblem(file: string, appsDir: string): string | undefined {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(file);
    } catch {
      return 'is a symbolic link to a file that does not exist';
    }
    const rel = relative(realpathSync(appsDir), target);
    if (rel.startsWith(`..${sep}`) || rel === '..' || rel.startsWith(sep)) {
      return `is a symbolic link to ${target}, outside the specs folder; a spec must live in the folder, where it is reviewed with the others: copy it in`;
    }
    return undefined;
  }
  if (!st.isFile()) return 'is not a regular file; a spec is a YAML file';
  return undefined;
}

/** Where the first byte sequence that is not UTF-8 is, or undefined when all of it is. */
export function invalidUtf8At(bytes: Buffer): { line: number; byte: number } | undefined {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Decoding growing prefixes to find the offset would be quadratic: walk the encoding once instead.
  }
  let line = 1;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return { line, byte: i };
    for (let k = 1; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return { line, byte: i };
    // Overlong and surrogate forms TextDecoder refuses too.
    if ((b === 0xe0 && bytes[i + 1] < 0xa0) || (b === 0xed && bytes[i + 1] > 0x9f) || (b === 0xf0 && bytes[i + 1] < 0x90) || (b === 0xf4 && bytes[i + 1] > 0x8f)) return { line, byte: i };
    if (b === 0x0a) line++;
    i += need + 1;
  }
  return { line, byte: bytes.length };
}

/**
 * Whether a parsed document, with every alias expanded, is larger than `limit` bytes (counted
 * as string lengths plus one per node). Stops as soon as the count passes the limit, so a
 * document built to expand exponentially costs at most `limit` steps.
 */
export function expandsBeyond(doc: unknown, limit: number = MAX_EXPANDED_BYTES): boolean {
  let size = 0;
  const walk = (value: unknown): boolean => {
    size += typeof value === 'string' ? value.length + 1 : 1;
    if (size > limit) return true;
    if (Array.isArray(value)) {
      for (const v of value) if (walk(v)) return true;
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        size += k.length;
        if (walk(v)) return true;
      }
    }
    return false;
  };
  return walk(doc);
}
