/**
 * Settings that YAML would silently change on their way to the ConfigMap or the container's
 * environment: an unquoted `2.10` is the number 2.1, `1e3` is 1000, `0x1F` is 31, `True` is
 * true. A value written that way is refused with the quoted form to write instead; values whose
 * text survives (`8080`, `true`) are kept as they are.
 * The document is read a second time with the `yaml` package, which keeps each scalar's source.
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { Problem } from './errors';

/** Where settings live: config.KEY and components.NAME.env.KEY, in the base or an override. */
const SETTING = /^(environments\.[^.]+\.)?(config\.[^.]+|components\.[^.]+\.env\.[^.]+)$/;

/**
 * Words YAML 1.2 might read as a number or a boolean: a superset of the core schema's forms
 * (decimal, 0o, 0x, exponents, .inf/.nan, true/false in any case).
 */
const NUMBER_OR_BOOLEAN_LIKE = /^[-+]?(0x[0-9a-f]+|0o[0-7]+|[0-9][0-9_]*(\.[0-9_]*)?(e[-+]?[0-9]+)?|\.[0-9]+(e[-+]?[0-9]+)?|\.inf|\.nan)$|^(true|false)$/i;

/**
 * Whether some word of the text could be a number or boolean written other than the way it
 * reads back (`2.10`, `1e3`, `True`). When none is, no setting can have changed and the second,
 * slower parse is skipped: it was 27 % of loading a spec. Whole-line comments are left out (a
 * sentence ending in "uid 1000." sent specs through the second parse); a `#` later in a line
 * may sit inside a quoted string, so the rest of such a line is still read.
 */
function mayHaveInexactScalars(text: string): boolean {
  for (const word of text.replace(/^[ \t]*#.*$/gm, '').split(/[\s,{}[\]]+/)) {
    if (!NUMBER_OR_BOOLEAN_LIKE.test(word)) continue;
    if (/^(true|false)$/i.test(word) ? word !== word.toLowerCase() : word !== String(Number(word))) return true;
  }
  return false;
}

export function settingsYamlWouldChange(text: string): Problem[] {
  if (!mayHaveInexactScalars(text)) return [];
  const problems: Problem[] = [];
  const doc = parseDocument(text, { uniqueKeys: false });
  const walk = (node: unknown, path: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined) walk(pair.value, path === '' ? key : `${path}.${key}`);
      }
    } else if (isScalar(node) && SETTING.test(path) && node.type === 'PLAIN' && (typeof node.value === 'number' || typeof node.value === 'boolean')) {
      const source = (node as Node & { source?: string }).source ?? '';
      if (source !== String(node.value)) {
        const what = typeof node.value === 'number' ? `the number ${String(node.value)}` : `the boolean ${String(node.value)}`;
        problems.push({ path, problem: `is written ${source}, which YAML reads as ${what}, so the container would see ${JSON.stringify(String(node.value))}; quote it to keep it exactly: ${JSON.stringify(source)}` });
      }
    }
  };
  walk(doc.contents, '');
  return problems;
}
