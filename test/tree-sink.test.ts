import { resolve } from 'node:path';
import { buildInto, Tree } from '../src/synth/build';
import type { PairBuilder } from '../src/synth/pair-builder';
import { loadSpecs } from '../src/spec/load';

const ROOT = resolve(__dirname, '..');

test('a folder handed on as kept in place fails the build when the output cannot keep folders', () => {
  const specs = loadSpecs(resolve(ROOT, 'apps'), resolve(ROOT, 'platform.yaml'));
  // A builder that hands on the first pair as an incremental run hands on a reused one.
  const reusing: PairBuilder = {
    build: (_specs, pairs, take) => {
      take({ files: [], kept: { folder: `${pairs[0].env}/x`, files: 3 }, errors: [], summary: undefined });
      return { workers: 0, pairsOnMainThread: 0, pairsOnWorkers: 0 };
    },
  };
  const tree: Tree = new Map();
  expect(() => buildInto(specs, 'platform.yaml', tree, reusing)).toThrow(/\/x\/ was handed on as already in place, but this output cannot keep folders/);
});
