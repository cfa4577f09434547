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
  ['multi-line strings fall back to js-yaml', { script: 'set -eu\necho hi\n', list: ['a\nb', 'c'], nested: { x: ' lead\ntrail ' } }],
  ['lists of lists fall back to js-yaml', { a: [[1, 2], [3]] }],
])('%s come out as js-yaml writes them', (_name, doc) => {
  expect(toYaml(doc as Record<string, unknown>)).toBe(dump(doc, DUMP_OPTIONS));
});
