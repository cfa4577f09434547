/** The fast YAML writer gives exactly js-yaml's text, on every manifest synth produces. */
import { dump, load } from 'js-yaml';
import { DUMP_OPTIONS, toYaml } from '../src/synth/yaml';
import { synthesizeRepo } from './support/manifests';

const { tree } = synthesizeRepo();
const manifests = [...tree.entries()].filter(([p]) => p.endsWith('.yaml')).map(([p, text]) => [p, load(text)] as const);

test('the repository synthesizes hundreds of manifests to compare', () => {
  expect(manifests.length).toBeGreaterThan(300);
});

test.each(manifests)('%s is written exactly as js-yaml writes it', (_path, doc) => {
  expect(toYaml(doc as Record<string, unknown>)).toBe(dump(doc, DUMP_OPTIONS));
});

test.each([
  ['ambiguous scalars', { a: 'yes', b: 'on', c: '0123', d: '1e3', e: 'null', f: '~', g: '', h: ' x', i: 'a: b', j: '- x', k: '#x', l: '*x', m: '@x', n: '{x}', o: '"q"', p: "it's", q: 0, r: 1.5, s: true, t: null }],
  ['keys that need quotes', { 'a b': 1, '80': 2, 'x:y': 3, '': 4, 'true': 5 }],
  ['empty collections and nesting', { a: {}, b: [], c: [{}], d: [{ e: [1, 'two'], f: { g: [] } }], h: [1, null, 'x'] }],
  ['multi-line strings', { script: 'set -eu\necho hi\n', list: ['a\nb', 'c'], nested: { x: ' lead\ntrail ' } }],
  ['a key too long for an implicit key falls back to js-yaml', { ['k'.repeat(1100)]: 1 }],
  ['lists of lists fall back to js-yaml', { a: [[1, 2], [3]] }],
])('%s come out as js-yaml writes them', (_name, doc) => {
  expect(toYaml(doc as Record<string, unknown>)).toBe(dump(doc, DUMP_OPTIONS));
});

/** Strings that make js-yaml pick each block style, chomping and indentation indicator. */
const AWKWARD_STRINGS = [
  'set -eu\necho hi\n', 'a\nb', ' lead\ntrail ', 'x\n\n', 'x\n\n\n', '\nlead nl', 'a\n\nb\n', '  two\n  lines\n',
  'tab\there\nx', 'trail \nspace ', 'bell\u0007\nx', 'ünï\ncode\n', 'crlf\r\nline', '- dash\nx', '# hash\nx', 'a: b\nc',
  '\n', '\n\n', 'a\n \nb', `${'x'.repeat(5000)}\ny`, 'emoji 😀\nz\n',
];
/** Every place a string can stand in a manifest, down to a few levels. */
const PLACES: Array<(s: string) => Record<string, unknown>> = [
  (s) => ({ a: s }),
  (s) => ({ a: { b: s } }),
  (s) => ({ a: [s] }),
  (s) => ({ a: [{ b: s, c: s }] }),
  (s) => ({ a: { b: [{ c: { d: s } }] } }),
  (s) => ({ a: [s, 'x'], b: 1 }),
  (s) => ({ l: [{ m: [s] }] }),
];

test.each(AWKWARD_STRINGS.map((s) => [JSON.stringify(s).slice(0, 40), s]))('the string %s is written as js-yaml writes it at every depth', (_name, s) => {
  for (const place of PLACES) expect(toYaml(place(s))).toBe(dump(place(s), DUMP_OPTIONS));
});
