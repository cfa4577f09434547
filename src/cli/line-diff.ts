/**
 * Line-based diff (Myers' O(ND) algorithm, "An O(ND) Difference Algorithm and Its
 * Variations", 1986) and unified-diff hunks, for showing what synth would change in one file.
 */

export interface Edit {
  /** ' ' kept, '-' only in the old text, '+' only in the new text. */
  readonly op: ' ' | '-' | '+';
  readonly line: string;
}

/** Lines of a text; the newline that ends the last line does not make an empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A shortest edit script turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  // Common prefix and suffix cost nothing to match and shrink the search.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  return [
    ...a.slice(0, start).map((line) => ({ op: ' ' as const, line })),
    ...middle,
    ...a.slice(endA).map((line) => ({ op: ' ' as const, line })),
  ];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (max === 0) return [];
  const offset = max + 1;
  // v[k] is the furthest x reached on diagonal k = x - y; trace keeps v before each round.
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const t = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && t[offset + k - 1] < t[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = t[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: '+', line: b[y - 1] });
      else edits.push({ op: '-', line: a[x - 1] });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

export interface Hunk {
  /** 1-based first line in the old and new text (0 when the side is empty). */
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly edits: readonly Edit[];
}

/** Groups an edit script into hunks with `context` unchanged lines around each change. */
export function hunks(edits: readonly Edit[], context = 3): Hunk[] {
  const changed = edits.map((e, i) => (e.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return [];
  const ranges: Array<[number, number]> = [];
  for (const i of changed) {
    const from = Math.max(0, i - context);
    const to = Math.min(edits.length - 1, i + context);
    const last = ranges[ranges.length - 1];
    if (last !== undefined && from <= last[1] + 1) last[1] = to;
    else ranges.push([from, to]);
  }
  // Line numbers before each edit index.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 0;
  let nw = 0;
  for (const e of edits) {
    oldAt.push(o);
    newAt.push(nw);
    if (e.op !== '+') o++;
    if (e.op !== '-') nw++;
  }
  return ranges.map(([from, to]) => {
    const slice = edits.slice(from, to + 1);
    const oldLines = slice.filter((e) => e.op !== '+').length;
    const newLines = slice.filter((e) => e.op !== '-').length;
    return {
      oldStart: oldLines === 0 ? oldAt[from] : oldAt[from] + 1,
      oldLines,
      newStart: newLines === 0 ? newAt[from] : newAt[from] + 1,
      newLines,
      edits: slice,
    };
  });
}

/** The `@@ -a,b +c,d @@` header of a hunk, as diff -u and git print it. */
export function hunkHeader(h: Hunk): string {
  const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
  return `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`;
}
