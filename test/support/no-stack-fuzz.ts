/**
 * Test support: no input ends in a stack trace. Random command lines and randomly broken specs
 * end either in success, in a UsageError (exit 2) or in SpecErrors (exit 1) that name a file and
 * a field; never in any other exception. Random but seeded, so a failure is reproducible from its
 * seed. test/no-stack-traces.test.ts runs a small sample, the .slow.test.ts a large one.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import { UsageError } from '../../src/cli/command';
import { createProgress } from '../../src/cli/progress';
import { parseSynthArgs, runSynth } from '../../src/cli/synth-command';
import { SpecErrors } from '../../src/spec/errors';
import { loadSpecs } from '../../src/spec/load';
import { buildTree } from '../../src/synth/build';

const REPO = resolve(__dirname, '..', '..');
const MINIMAL = join(REPO, 'test', 'fixtures', 'minimal-spec', 'shop.yaml');

/** A small seeded generator (mulberry32), so each failure names the seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Registers the two fuzz tests with the given sample sizes. */
export function defineNoStackTraceFuzz(commandLines: number, specs: number): void {
let cwd: string;
let work: string;
beforeAll(() => {
  cwd = process.cwd();
  work = mkdtempSync(join(tmpdir(), 'no-stack-'));
  cpSync(join(REPO, 'test', 'fixtures', 'minimal-spec'), join(work, 'apps'), { recursive: true });
  cpSync(join(REPO, 'platform.yaml'), join(work, 'platform.yaml'));
  writeFileSync(join(work, 'a-file'), 'x');
  mkdirSync(join(work, 'src'));
  writeFileSync(join(work, 'src', 'x.ts'), '');
  // Every relative path a random command line names resolves inside the temporary folder.
  process.chdir(work);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(work, { recursive: true, force: true });
});

/** What a run ended in: an exit code, or the exception that would have been a stack trace. */
function outcome(run: () => number): string {
  try {
    return `exit ${run()}`;
  } catch (e) {
    if (e instanceof UsageError) return 'exit 2';
    if (e instanceof SpecErrors) return 'exit 1';
    return `stack trace: ${(e as Error).stack ?? String(e)}`;
  }
}

const WORDS = ['--out', '--apps', '--platform', '--check', '--quiet', '--bogus', '', '.', '..', '/', 'apps', 'src', 'a-file', 'dist', 'out/x', 'platform.yaml', 'no-such', '--out=', '--apps=a-file', '-x', '\u0000', '--check=yes', 'apps/shop.yaml', ' '];

test(`${commandLines} random command lines end in exit 0, 1 or 2, never in a stack trace`, () => {
  const seen = new Map<string, string>();
  for (let seed = 1; seed <= commandLines; seed++) {
    const next = random(seed);
    const argv = Array.from({ length: Math.floor(next() * 5) }, () => WORDS[Math.floor(next() * WORDS.length)]);
    const result = outcome(() => runSynth(parseSynthArgs(argv, {}), () => undefined, () => undefined, createProgress(process.stderr, { CI: 'true' })));
    seen.set(JSON.stringify(argv), result);
    expect({ seed, argv, result }).toEqual({ seed, argv, result: expect.stringMatching(/^exit [012]$/) });
  }
  // The sample reached all three outcomes, so it exercised more than the usage errors.
  expect(new Set(seen.values())).toEqual(new Set(['exit 0', 'exit 1', 'exit 2']));
}, 120_000);

const VALUES: unknown[] = [null, [], {}, '', -1, 0, 1.5, 1e308, 'x'.repeat(300), true, 'Ünïcödé', [null], { a: { b: [1] } }, '${X}', '*', '/../..', 'latest', 70000];

/** Paths of every value of a document, as key lists. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

function mutate(doc: any, next: () => number): void {
  const paths = pathsOf(doc);
  const path = paths[Math.floor(next() * paths.length)];
  const parent = path.slice(0, -1).reduce((o, k) => o[k], doc);
  const key = path[path.length - 1];
  if (next() < 0.3 && !Array.isArray(parent)) delete parent[key];
  else parent[key] = structuredClone(VALUES[Math.floor(next() * VALUES.length)]);
}

test(`${specs} randomly broken specs load and build without a stack trace`, () => {
  const base = load(require('node:fs').readFileSync(MINIMAL, 'utf8'));
  const outcomes = new Map<string, number>();
  for (let seed = 1; seed <= specs; seed++) {
    const next = random(seed);
    const doc = structuredClone(base);
    const mutations = 1 + Math.floor(next() * 3);
    for (let i = 0; i < mutations; i++) mutate(doc, next);
    writeFileSync(join(work, 'apps', 'shop.yaml'), dump(doc));
    const result = outcome(() => {
      buildTree(loadSpecs(join(work, 'apps'), join(work, 'platform.yaml')), 'platform.yaml');
      return 0;
    });
    outcomes.set(result, (outcomes.get(result) ?? 0) + 1);
    expect({ seed, result }).toEqual({ seed, result: expect.stringMatching(/^exit [01]$/) });
  }
  // Some mutations keep the spec valid and some do not: both paths were exercised.
  expect([...outcomes.keys()].sort()).toEqual(['exit 0', 'exit 1']);
}, 300_000);
}
