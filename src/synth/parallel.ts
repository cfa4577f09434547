/**
 * Builds the dist/ tree on several threads when there are many system/environment pairs.
 *
 * The pairs (in the serial order of buildTree: environment by environment, systems in spec
 * order) sit in one queue: a counter in shared memory that the main thread and the worker
 * threads advance atomically, so whichever thread is free takes the next pair and a worker
 * that is still loading its modules simply takes fewer. Each pair is synthesized, validated
 * and serialized to YAML where it was taken; the main thread then assembles the results in
 * serial order and builds the per-environment folders (platform/, apps/, bootstrap/), so the
 * tree, its iteration order and the errors are exactly those of buildTree.
 *
 * The main thread is one of the builders, so min(2, availableParallelism()) threads build in
 * all; npm run synth starts the workers before it reads the specs (prestartWorkers) so that
 * their module loading overlaps spec loading. The wait is synchronous (Atomics.wait plus
 * receiveMessageOnPort), so callers stay synchronous. Workers start from the bundle npm run
 * synth runs (see WORKER_ENTRY), or from TypeScript through tsx; nothing is type-checked on
 * either path. A worker that fails or dies is not fatal: the main
 * thread builds the pairs it took.
 */
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import type { SynthesizedSystem } from '../../argocd/environment-charts';
import { SpecError, SpecErrors } from '../spec/errors';
import type { LoadedSpecs, LoadedSystem } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';
import { addSystemFiles, buildEnvironmentFolders, buildInto, buildSystem, environmentsOf, PairObserver, Tree, TreeSink } from './build';

/**
 * Below this many system/environment pairs the serial build is as fast or faster: a worker
 * spends ~0.3 s of CPU loading the bundle before it synthesizes anything, while the main
 * thread builds a pair in about 10 ms. Measured on 2 cores (npm run synth from its bundle,
 * output on tmpfs, best of 4): 30 pairs 1.2 s either way, 60 pairs 1.3 s with a worker against
 * 1.5 s without, 90 pairs 1.9 against 2.1 s, 300 pairs 3.0-4.5 against 4.5-6.1 s.
 */
export const PARALLEL_MIN_PAIRS = 45;

/**
 * How long the main thread, its own share done, waits without hearing from any worker before
 * it builds the missing pairs itself (a worker that died, e.g. out of memory, cannot report).
 */
const STALL_MS = 30_000;
/** A worker posts its results in batches of this many pairs. */
const BATCH = 16;

// Slots of the shared control array.
const NEXT = 0; // index of the next unclaimed pair
const PROGRESS = 1; // bumped (and notified) whenever a worker posts something

export interface ParallelOptions {
  /** Worker threads besides the main thread; default min(2, availableParallelism()) - 1, at least 1. */
  readonly workers?: number;
  /** Workers started ahead of time (see prestartWorkers); used instead of starting new ones. */
  readonly pool?: WorkerPool;
  /** Whether the main thread also takes pairs (default true); tests turn it off to make workers do everything. */
  readonly mainThreadBuilds?: boolean;
  /** Told about each pair as it is assembled (the incremental synth cache). @default - nobody */
  readonly onPair?: PairObserver;
}

export interface BuildStats {
  /** Worker threads started (0 for a serial build). */
  readonly workers: number;
  /** Pairs synthesized by the main thread and by the workers. */
  readonly pairsOnMainThread: number;
  readonly pairsOnWorkers: number;
}

interface PlainError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** What one system in one environment produced, in a form that crosses threads. */
interface PairResult {
  readonly system?: SynthesizedSystem;
  readonly files: Array<[string, string]>;
  readonly errors: Array<{ file: string; path: string; problem: string }>;
  /** An exception buildTree would have thrown at this pair (as a PlainError when it crossed threads). */
  readonly thrown?: { readonly value: unknown; readonly plain: boolean };
}

/** What a worker receives on its port once the specs are loaded. */
interface WorkerInput {
  readonly platform: PlatformSpec;
  readonly systems: readonly LoadedSystem[];
  readonly pairs: ReadonlyArray<readonly [number, string]>;
  readonly control: Int32Array;
}

type WorkerMessage =
  | { readonly kind: 'results'; readonly results: Array<[number, PairResult]> }
  | { readonly kind: 'failed'; readonly error: PlainError; readonly unreported: number[] };

/** Number of system/environment pairs of a set of specs. */
export function pairCount(specs: LoadedSpecs): number {
  return environmentsOf(specs).reduce((n, e) => n + e.systems.length, 0);
}

/** Worker threads to use by default: one per core beyond the main thread, capped at 2 cores. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()) - 1);
}

/** Worker count forced by GITOPS_SYNTH_WORKERS (0: serial), or undefined to decide by size. */
function forcedWorkers(): number | undefined {
  const forced = process.env.GITOPS_SYNTH_WORKERS;
  if (forced === undefined || forced === '') return undefined;
  const workers = Number(forced);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`GITOPS_SYNTH_WORKERS must be a whole number, not ${JSON.stringify(forced)}`);
  return workers;
}

/** What workerData.role says in a synthesis worker (see isSynthWorker). */
const WORKER_ROLE = 'gitops-synth-worker';

/**
 * The script a worker starts from. Run from TypeScript (tsx, jest): a .js entry that registers
 * tsx. Run from the bundle npm run synth builds: the script that loaded the bundle
 * (scripts/synth.js, which gives it V8's code cache), or the bundle itself when it was run
 * directly; either way main.ts then sees isSynthWorker() and runs the worker body.
 */
const WORKER_ENTRY = __filename.endsWith('.ts') ? join(__dirname, 'parallel-worker.js') : (require.main?.filename ?? __filename);

/** Whether this thread is a synthesis worker started by WorkerPool. */
export function isSynthWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === WORKER_ROLE;
}

/** Worker threads, started and loading their modules, waiting for the pairs to build. */
export class WorkerPool {
  readonly workers: Worker[] = [];
  readonly ports: MessagePort[] = [];

  constructor(count: number) {
    for (let w = 0; w < count; w++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_ENTRY, {
        workerData: { port: port2, role: WORKER_ROLE },
        transferList: [port2],
        // The entry registers tsx itself; inheriting the parent's loader flags would load it twice.
        execArgv: [],
        stdout: false,
        stderr: false,
      });
      worker.unref();
      worker.on('error', () => undefined); // the main thread rebuilds what a failed worker took
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** Stops the workers; those still loading modules when the queue ran dry are not waited for. */
  close(): void {
    for (const worker of this.workers.splice(0)) void worker.terminate().catch(() => undefined);
    for (const port of this.ports.splice(0)) port.close();
  }
}

/**
 * Starts workers before the specs are read when a folder holds enough specs to need them
 * (at least PARALLEL_MIN_PAIRS / 3 files: specs usually deploy to three environments), so
 * their module loading overlaps the reading and checking of the specs. The caller passes the
 * pool to buildTreeAuto and closes it when done.
 */
export function prestartWorkers(appsDir: string): WorkerPool | undefined {
  const forced = forcedWorkers();
  if (forced === 0 || availableParallelism() < 2) return undefined;
  let files: number;
  try {
    files = readdirSync(appsDir).filter((f) => /\.ya?ml$/.test(f)).length;
  } catch {
    return undefined; // loadSpecs reports the folder
  }
  if (forced === undefined && files < Math.ceil(PARALLEL_MIN_PAIRS / 3)) return undefined;
  return new WorkerPool(forced ?? defaultWorkers());
}

/**
 * buildTree, on worker threads when there are at least PARALLEL_MIN_PAIRS pairs and more than
 * one core (or when GITOPS_SYNTH_WORKERS says how many workers; 0 means serial). Closes `pool`.
 */
export function buildTreeAuto(specs: LoadedSpecs, platformFile: string, pool?: WorkerPool): { tree: Tree; objects: number } {
  const tree: Tree = new Map();
  buildAutoInto(specs, platformFile, tree, pool);
  return { tree, objects: tree.size };
}

/**
 * buildTreeAuto into any sink (see TreeSink); closes `pool`. GITOPS_SYNTH_MAIN_BUILDS=0 leaves
 * every pair to the workers (tests use it to prove the workers of the bundle build).
 */
export function buildAutoInto(specs: LoadedSpecs, platformFile: string, sink: TreeSink, pool?: WorkerPool, onPair?: PairObserver): BuildStats {
  try {
    const forced = forcedWorkers();
    if (forced === 0 || (forced === undefined && (pairCount(specs) < PARALLEL_MIN_PAIRS || availableParallelism() < 2))) {
      buildInto(specs, platformFile, sink, onPair);
      return { workers: 0, pairsOnMainThread: pairCount(specs), pairsOnWorkers: 0 };
    }
    return buildParallelInto(specs, platformFile, sink, { workers: forced, pool, mainThreadBuilds: process.env.GITOPS_SYNTH_MAIN_BUILDS !== '0', onPair });
  } finally {
    pool?.close();
  }
}

function plainError(e: unknown): PlainError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

function revive(e: PlainError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}

/**
 * What the environment folders (AppsChart, BootstrapChart in argocd/environment-charts.ts)
 * read of a system once its files are made: the context, every object's identity and scope,
 * and HorizontalPodAutoscalers whole. Keeping only that until the environment is finished
 * holds a fraction of the objects in memory and sends a fraction across threads;
 * test/parallel.slow.test.ts checks that the folders come out byte-identical to buildTree's.
 */
export function forEnvironmentFolders(s: SynthesizedSystem): SynthesizedSystem {
  return {
    ctx: s.ctx,
    manifests: s.manifests.map((m) => (m.kind === 'HorizontalPodAutoscaler' ? m : { apiVersion: m.apiVersion, kind: m.kind, metadata: m.metadata })),
  };
}

/** Synthesizes, validates and serializes one system in one environment. */
function buildPair(system: LoadedSystem, env: string, platform: PlatformSpec, crossThread: boolean): PairResult {
  const errors: SpecError[] = [];
  const plainErrors = () => errors.map((e) => ({ file: e.file, path: e.path, problem: e.problem }));
  try {
    const s = buildSystem(system, env, platform, errors);
    const files: Tree = new Map();
    addSystemFiles(files, s, system.file);
    return { system: forEnvironmentFolders(s), files: [...files], errors: plainErrors() };
  } catch (e) {
    return { files: [], errors: plainErrors(), thrown: { value: crossThread ? plainError(e) : e, plain: crossThread } };
  }
}

/** The pairs in buildTree's order, as [system index, environment]. */
function pairsOf(specs: LoadedSpecs): Array<readonly [number, string]> {
  const index = new Map(specs.systems.map((s, i) => [s, i]));
  return environmentsOf(specs).flatMap(({ env, systems }) => systems.map((s) => [index.get(s)!, env] as const));
}

/**
 * Like buildTree (same tree, same insertion order, same errors), with the pairs spread over
 * threads. Results are assembled as soon as every earlier pair is in, and an environment's
 * manifests are dropped once its folders are built, so at most one environment's objects are
 * held besides the tree, as in the serial build.
 */
export function buildTreeParallel(
  specs: LoadedSpecs,
  platformFile: string,
  options: ParallelOptions = {},
): { tree: Tree; objects: number; stats: BuildStats } {
  const tree: Tree = new Map();
  const stats = buildParallelInto(specs, platformFile, tree, options);
  return { tree, objects: tree.size, stats };
}

/** buildTreeParallel into any sink (see TreeSink). */
export function buildParallelInto(specs: LoadedSpecs, platformFile: string, tree: TreeSink, options: ParallelOptions = {}): BuildStats {
  const pairs = pairsOf(specs);
  const environments = environmentsOf(specs);
  const pool = options.pool ?? new WorkerPool(Math.max(0, options.workers ?? defaultWorkers()));
  const ports = pool.ports;
  const workerCount = pool.workers.length;
  const control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const input: WorkerInput = { platform: specs.platform, systems: specs.systems, pairs, control };
  for (const port of ports) port.postMessage(input);
  const results: Array<PairResult | undefined> = new Array(pairs.length);
  let onMain = 0;
  let onWorkers = 0;
  const lost: number[] = [];

  const build = (i: number) => {
    const [system, env] = pairs[i];
    results[i] = buildPair(specs.systems[system], env, specs.platform, false);
    onMain++;
  };

  const drain = () => {
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        const msg = m.message as WorkerMessage;
        if (msg.kind === 'results') {
          for (const [i, r] of msg.results) {
            if (i < next || results[i] !== undefined) continue; // already built here after a stall
            results[i] = r;
            onWorkers++;
          }
        } else {
          // The pairs are built again here; the output does not depend on where a pair was built.
          lost.push(...msg.unreported);
        }
      }
    }
    // Pairs a failed worker took but never reported are built here.
    for (let i = lost.pop(); i !== undefined; i = lost.pop()) if (i >= next && results[i] === undefined) build(i);
  };

  // Assembly, in buildTree's order: an environment's systems, then its folders.
  const errors: SpecError[] = [];
  let next = 0; // next pair to assemble
  let envIndex = 0;
  let synthesized: SynthesizedSystem[] = [];
  const finishEnvironments = () => {
    while (envIndex < environments.length && synthesized.length === environments[envIndex].systems.length) {
      buildEnvironmentFolders(tree, environments[envIndex].env, specs.platform, synthesized, platformFile, errors);
      envIndex++;
      synthesized = [];
    }
  };
  const assemble = () => {
    finishEnvironments();
    for (let r = results[next]; r !== undefined; r = results[next]) {
      results[next++] = undefined;
      if (r.thrown !== undefined) throw r.thrown.plain ? revive(r.thrown.value as PlainError) : r.thrown.value;
      for (const e of r.errors) errors.push(new SpecError(e.file, e.path, e.problem));
      for (const [path, content] of r.files) {
        if (tree.has(path)) throw new Error(`two objects would be written to ${path}; object names must be unique per kind`);
        tree.set(path, content);
      }
      synthesized.push(r.system!);
      options.onPair?.(specs.systems[pairs[next - 1][0]], r.system!, r.files);
      finishEnvironments();
    }
  };

  try {
    // The main thread takes pairs from the same queue as the workers...
    const mainBuilds = options.mainThreadBuilds ?? true;
    for (let i = mainBuilds ? Atomics.add(control, NEXT, 1) : pairs.length; i < pairs.length; i = Atomics.add(control, NEXT, 1)) {
      build(i);
      drain();
      assemble();
    }
    // ...then waits for the pairs the workers took.
    let seen = Atomics.load(control, PROGRESS);
    let lastProgress = Date.now();
    for (drain(), assemble(); next < pairs.length; drain(), assemble()) {
      if (Atomics.wait(control, PROGRESS, seen, 1000) === 'timed-out') {
        if (Date.now() - lastProgress > STALL_MS) {
          for (let i = next; i < pairs.length; i++) if (results[i] === undefined) build(i);
          lastProgress = Date.now();
        }
      } else {
        lastProgress = Date.now();
      }
      seen = Atomics.load(control, PROGRESS);
    }
    finishEnvironments();
    if (errors.length > 0) throw new SpecErrors(errors);
    return { workers: workerCount, pairsOnMainThread: onMain, pairsOnWorkers: onWorkers };
  } finally {
    pool.close();
  }
}

/**
 * Body of a worker thread: its modules are loaded by now; once the specs arrive it takes pairs
 * from the shared queue until the queue is empty.
 */
export function runWorker(): void {
  const { port } = workerData as { port: MessagePort };
  port.once('message', (input: WorkerInput) => work(input, port));
}

function work({ platform, systems, pairs, control }: WorkerInput, port: MessagePort): void {
  let batch: Array<[number, PairResult]> = [];
  const claimed: number[] = [];
  const post = (msg: WorkerMessage) => {
    port.postMessage(msg);
    Atomics.add(control, PROGRESS, 1);
    Atomics.notify(control, PROGRESS);
  };
  const flush = () => {
    if (batch.length === 0) return;
    post({ kind: 'results', results: batch });
    claimed.splice(0, batch.length);
    batch = [];
  };
  try {
    for (let i = Atomics.add(control, NEXT, 1); i < pairs.length; i = Atomics.add(control, NEXT, 1)) {
      claimed.push(i);
      const [system, env] = pairs[i];
      batch.push([i, buildPair(systems[system], env, platform, true)]);
      if (batch.length >= BATCH) flush();
    }
    flush();
  } catch (e) {
    post({ kind: 'failed', error: plainError(e), unreported: claimed });
  } finally {
    port.close();
  }
}
