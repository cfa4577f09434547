/**
 * WorkerPairBuilder: builds the system/environment pairs on several threads (the PairBuilder
 * for many pairs; see src/synth/pair-builder.ts), and pairBuilderFor, which picks it or the
 * serial one.
 *
 * The pairs (in the serial order of buildTree: environment by environment, systems in spec
 * order) sit in one queue: a counter in shared memory that the main thread and the worker
 * threads advance atomically, so whichever thread is free takes the next pair and a worker
 * that is still loading its modules simply takes fewer. Each pair is synthesized, validated
 * and serialized to YAML where it was taken; the main thread hands the outputs on in serial
 * order (buildInto then builds the per-environment folders), so the tree, its iteration order
 * and the errors are exactly those of the serial build.
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
import type { LoadedSpecs, LoadedSystem } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';
import { resolvePlatform, systemContext } from '../model/context';
import type { SystemSummary } from '../model/summary';
import { pairsOf } from './build';
import { BuildStats, buildPair, Pair, PairBuilder, PairOutput, SerialPairBuilder } from './pair-builder';

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

/** How the command line asks pairs to be built (entry points read it from the environment). */
export interface BuildSettings {
  /**
   * Worker threads to use; 0 builds serially.
   * @default - decided by size: workers only from PARALLEL_MIN_PAIRS pairs on and with more than one core
   */
  readonly workers?: number;
  /**
   * Whether the main thread also takes pairs; tests turn it off to prove the workers build.
   * @default true
   */
  readonly mainThreadBuilds?: boolean;
}

export interface WorkerPairBuilderProps {
  /**
   * Worker threads besides the main thread.
   * @default min(2, availableParallelism()) - 1, at least 1
   */
  readonly workers?: number;
  /**
   * Workers started ahead of time (see prestartWorkers); used instead of starting new ones.
   * @default - new workers
   */
  readonly pool?: WorkerPool;
  /**
   * Whether the main thread also takes pairs.
   * @default true
   */
  readonly mainThreadBuilds?: boolean;
}

interface PlainError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** What a worker receives on its port once the specs are loaded. */
interface WorkerInput {
  readonly platform: PlatformSpec;
  /** The systems of the pairs. */
  readonly systems: readonly LoadedSystem[];
  /** Each pair: its system's index in `systems`, and its environment. */
  readonly pairs: ReadonlyArray<readonly [number, string]>;
  readonly control: Int32Array;
}

/**
 * A pair's output as it crosses threads: the summary without its context, which the main
 * thread makes again from the spec it holds (as an incremental run does for a reused pair).
 * Sending it would copy the merged spec and platform of every pair into the main thread's
 * heap, where an environment's summaries wait for its last system: at N=1000 that was most
 * of the main thread's live heap.
 */
type WireOutput = Omit<PairOutput, 'summary'> & { readonly summary?: Omit<SystemSummary, 'ctx'> };

type WorkerMessage =
  | { readonly kind: 'results'; readonly results: Array<[number, WireOutput]> }
  | { readonly kind: 'failed'; readonly error: PlainError; readonly unreported: number[] };

/** Number of system/environment pairs of a set of specs. */
export function pairCount(specs: LoadedSpecs): number {
  return pairsOf(specs).length;
}

/** Worker threads to use by default: one per core beyond the main thread, capped at 2 cores. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()) - 1);
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
 * pool to pairBuilderFor and closes it when done.
 */
export function prestartWorkers(appsDir: string, settings: BuildSettings = {}): WorkerPool | undefined {
  const forced = settings.workers;
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
 * The builder for a set of specs: on worker threads when `settings.workers` asks for some, or
 * by default when there are at least PARALLEL_MIN_PAIRS pairs and more than one core; serial
 * otherwise. A `pool` that is not used is closed.
 */
export function pairBuilderFor(specs: LoadedSpecs, settings: BuildSettings = {}, pool?: WorkerPool): PairBuilder {
  return pairBuilderForCount(pairCount(specs), settings, pool);
}

/** pairBuilderFor for a build of `pairs` pairs (the incremental synth builds only those that changed). */
export function pairBuilderForCount(pairs: number, settings: BuildSettings = {}, pool?: WorkerPool): PairBuilder {
  const forced = settings.workers;
  if (forced === 0 || (forced === undefined && (pairs < PARALLEL_MIN_PAIRS || availableParallelism() < 2))) {
    pool?.close();
    return new SerialPairBuilder();
  }
  return new WorkerPairBuilder({ workers: forced, pool, mainThreadBuilds: settings.mainThreadBuilds });
}

function plainError(e: unknown): PlainError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

/**
 * What the environment folders need of a pair is its summary, which is small: the pair's
 * manifests never cross threads, only its files (as text) and summary.
 */
function buildOnWorker(pair: Pair, platform: PlatformSpec): WireOutput {
  const { summary, ...out } = buildPair(pair, platform);
  const wire: WireOutput = summary === undefined ? out : { ...out, summary: { kinds: summary.kinds, autoscaledDeployments: summary.autoscaledDeployments } };
  return out.thrown === undefined ? wire : { ...wire, thrown: { value: plainError(out.thrown.value), plain: true } };
}

/** A worker's output with its summary's context made again on this thread. */
function fromWire(out: WireOutput, pair: Pair, platform: PlatformSpec): PairOutput {
  if (out.summary === undefined) return out as PairOutput;
  const ctx = systemContext(pair.system.environments.get(pair.env)!, resolvePlatform(platform, pair.env));
  return { ...out, summary: { ...out.summary, ctx } };
}

/**
 * Builds the pairs on the main thread and worker threads taking from one shared queue, and
 * hands the outputs on in the order of the pairs as soon as every earlier one is in. A
 * builder is used for one build: it closes its pool when the build ends.
 */
export class WorkerPairBuilder implements PairBuilder {
  constructor(private readonly props: WorkerPairBuilderProps = {}) {}

  build(specs: LoadedSpecs, pairList: readonly Pair[], take: (output: PairOutput) => void): BuildStats {
    // Only the systems of these pairs cross to the workers, as plain data: a spec the spec
    // cache kept is parsed and merged on first read (src/synth/spec-cache.ts), which a
    // structured clone would not do.
    const systems: LoadedSystem[] = [];
    const index = new Map<LoadedSystem, number>();
    const pairs = pairList.map((p) => {
      let i = index.get(p.system);
      if (i === undefined) {
        const { file, base, environments, facts } = p.system;
        i = systems.push({ file, base, environments, facts }) - 1;
        index.set(p.system, i);
      }
      return [i, p.env] as const;
    });
    const pool = this.props.pool ?? new WorkerPool(Math.max(0, this.props.workers ?? defaultWorkers()));
    const ports = pool.ports;
    const workerCount = pool.workers.length;
    const control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    const input: WorkerInput = { platform: specs.platform, systems, pairs, control };
    for (const port of ports) port.postMessage(input);
    const results: Array<PairOutput | undefined> = new Array(pairs.length);
    let onMain = 0;
    let onWorkers = 0;
    const lost: number[] = [];
    let next = 0; // next pair to hand on

    const build = (i: number) => {
      results[i] = buildPair(pairList[i], specs.platform);
      onMain++;
    };

    const drain = () => {
      for (const port of ports) {
        for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
          const msg = m.message as WorkerMessage;
          if (msg.kind === 'results') {
            for (const [i, r] of msg.results) {
              if (i < next || results[i] !== undefined) continue; // already built here after a stall
              results[i] = fromWire(r, pairList[i], specs.platform);
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

    const handOn = () => {
      for (let r = results[next]; r !== undefined; r = results[next]) {
        results[next++] = undefined;
        take(r);
      }
    };

    try {
      // The main thread takes pairs from the same queue as the workers...
      const mainBuilds = this.props.mainThreadBuilds ?? true;
      for (let i = mainBuilds ? Atomics.add(control, NEXT, 1) : pairs.length; i < pairs.length; i = Atomics.add(control, NEXT, 1)) {
        build(i);
        drain();
        handOn();
      }
      // ...then waits for the pairs the workers took.
      let seen = Atomics.load(control, PROGRESS);
      let lastProgress = Date.now();
      for (drain(), handOn(); next < pairs.length; drain(), handOn()) {
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
      return { workers: workerCount, pairsOnMainThread: onMain, pairsOnWorkers: onWorkers };
    } finally {
      pool.close();
    }
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
  let batch: Array<[number, WireOutput]> = [];
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
      batch.push([i, buildOnWorker({ system: systems[system], env }, platform)]);
      if (batch.length >= BATCH) flush();
    }
    flush();
  } catch (e) {
    post({ kind: 'failed', error: plainError(e), unreported: claimed });
  } finally {
    port.close();
  }
}
