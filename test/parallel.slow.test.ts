/**
 * The parallel build (worker threads) gives exactly the serial build's tree: same files, same
 * bytes, same order, and the same errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecErrors } from '../src/spec/errors';
import { loadSpecs, LoadedSpecs } from '../src/spec/load';
import { buildTree } from '../src/synth/build';
import { pairBuilderFor, pairCount, prestartWorkers, WorkerPairBuilder, WorkerPairBuilderProps } from '../src/synth/parallel';
import { uniqueHosts } from './support/unique-hosts';
import { SpecCache } from '../src/synth/spec-cache';

/** buildTree on worker threads. */
function buildTreeParallel(specs: LoadedSpecs, platformFile: string, props: WorkerPairBuilderProps) {
  return buildTree(specs, platformFile, new WorkerPairBuilder(props));
}

const ROOT = join(__dirname, '..');
const PLATFORM = join(ROOT, 'platform.yaml');
const SEED = readFileSync(join(ROOT, 'apps', 'magnetiq.yaml'), 'utf8');

let dir: string;
let specs: LoadedSpecs;

/** Copies of apps/magnetiq.yaml renamed magnetiq-p01, magnetiq-p02, ..., each on hosts of its own (one host has one system). */
function generate(count: number): string {
  const d = mkdtempSync(join(tmpdir(), 'gitops-synth-parallel-'));
  for (let i = 1; i <= count; i++) {
    const name = `magnetiq-p${String(i).padStart(2, '0')}`;
    writeFileSync(join(d, `${name}.yaml`), uniqueHosts(SEED.replace(/^name: magnetiq$/m, `name: ${name}`), name));
  }
  return d;
}

beforeAll(() => {
  dir = generate(10);
  specs = loadSpecs(dir, PLATFORM);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the generated set has about 30 system/environment pairs', () => {
  expect(pairCount(specs)).toBeGreaterThanOrEqual(24);
});

test('workers alone build the same tree as the serial build', () => {
  const serial = buildTree(specs, 'platform.yaml');
  const parallel = buildTreeParallel(specs, 'platform.yaml', { workers: 2, mainThreadBuilds: false });
  expect(parallel.stats.pairsOnWorkers).toBe(pairCount(specs));
  expect(parallel.objects).toBe(serial.objects);
  // Same paths in the same insertion order, and byte-identical content.
  expect([...parallel.tree.keys()]).toEqual([...serial.tree.keys()]);
  expect([...parallel.tree]).toEqual([...serial.tree]);
});

test('specs the spec cache kept (parsed and merged only when read) cross to the workers whole', () => {
  const cacheFile = join(dir, '..', `${dir.split('/').pop()}.specs.v8`);
  try {
    const first = new SpecCache(cacheFile, 'code', 0);
    loadSpecs(dir, PLATFORM, first.loader());
    first.save();
    const kept = loadSpecs(dir, PLATFORM, new SpecCache(cacheFile, 'code', 0).loader());
    expect(kept.systems.every((s) => !Object.prototype.hasOwnProperty.call(s, 'environments'))).toBe(true);
    const parallel = buildTreeParallel(kept, 'platform.yaml', { workers: 2, mainThreadBuilds: false });
    expect(parallel.stats.pairsOnWorkers).toBe(pairCount(specs));
    expect([...parallel.tree]).toEqual([...buildTree(specs, 'platform.yaml').tree]);
  } finally {
    rmSync(cacheFile, { force: true });
  }
});

test('workers build the same tree as the serial build for the repository\'s own specs', () => {
  const own = loadSpecs(join(ROOT, 'apps'), PLATFORM);
  const serial = buildTree(own, 'platform.yaml');
  const parallel = buildTreeParallel(own, 'platform.yaml', { workers: 1, mainThreadBuilds: false });
  expect([...parallel.tree]).toEqual([...serial.tree]);
});

test('the main thread and a worker sharing the queue build the same tree', () => {
  const serial = buildTree(specs, 'platform.yaml');
  const parallel = buildTreeParallel(specs, 'platform.yaml', { workers: 1 });
  expect(parallel.stats.pairsOnMainThread + parallel.stats.pairsOnWorkers).toBe(pairCount(specs));
  expect([...parallel.tree]).toEqual([...serial.tree]);
});

test('workers started before the specs are read (as npm run synth does) build the same tree', () => {
  // 30 pairs are below the size where workers pay off: force one.
  const settings = { workers: 1 };
  const pool = prestartWorkers(dir, settings);
  expect(pool?.workers.length).toBe(1);
  const loaded = loadSpecs(dir, PLATFORM);
  const builder = pairBuilderFor(loaded, settings, pool);
  expect(builder).toBeInstanceOf(WorkerPairBuilder);
  const auto = buildTree(loaded, 'platform.yaml', builder);
  expect(auto.stats.workers).toBe(1);
  expect([...auto.tree]).toEqual([...buildTree(specs, 'platform.yaml').tree]);
});

test('below the size where workers pay off, the serial builder is chosen', () => {
  expect(pairBuilderFor(specs, {}).constructor.name).toBe('SerialPairBuilder');
  expect(pairBuilderFor(specs, { workers: 0 }).constructor.name).toBe('SerialPairBuilder');
});

/** The error each build throws, after the given edit of the loaded (already validated) specs. */
function failures(edit: (spec: Record<string, unknown>) => void): { serial: unknown; parallel: unknown } {
  const d = generate(10);
  try {
    const broken = loadSpecs(d, PLATFORM);
    // Past spec validation, as a chart bug or a gap in the spec schema would be.
    for (const s of broken.systems.slice(2, 5)) edit(s.environments.get('staging') as unknown as Record<string, unknown>);
    const caught = (build: () => unknown): unknown => {
      try {
        build();
      } catch (e) {
        return e;
      }
      throw new Error('the build did not fail');
    };
    return {
      serial: caught(() => buildTree(broken, 'platform.yaml')),
      parallel: caught(() => buildTreeParallel(broken, 'platform.yaml', { workers: 2, mainThreadBuilds: false })),
    };
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

test('objects that fail schema validation in workers give the same SpecErrors as the serial build', () => {
  const { serial, parallel } = failures((spec) => {
    (spec.components as Record<string, Record<string, unknown>>).backend.port = 'eighty';
  });
  expect(serial).toBeInstanceOf(SpecErrors);
  expect(parallel).toBeInstanceOf(SpecErrors);
  const fields = (e: unknown) => (e as SpecErrors).errors.map((x) => ({ file: x.file, path: x.path, problem: x.problem }));
  expect(fields(parallel)).toEqual(fields(serial));
  expect(fields(serial).length).toBeGreaterThan(0);
  expect(fields(serial)[0].file).toMatch(/magnetiq-p03\.yaml$/);
  expect((parallel as SpecErrors).message).toBe((serial as SpecErrors).message);
});

test('an exception thrown in a worker surfaces with the serial build\'s message', () => {
  const { serial, parallel } = failures((spec) => {
    spec.components = 42;
  });
  expect(parallel).toBeInstanceOf(Error);
  expect((parallel as Error).message).toBe((serial as Error).message);
  expect((parallel as Error).name).toBe((serial as Error).name);
});
