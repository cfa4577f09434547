/**
 * The seam for building one system in one environment (a "pair"): synthesize its chart,
 * validate every object against its schema, run the policy gate, and serialize its files.
 * src/synth/build.ts assembles dist/ from the outputs of a PairBuilder, in the same order
 * whatever builder made them; a builder only decides where and when pairs are built:
 * - SerialPairBuilder (here): one after the other on this thread;
 * - WorkerPairBuilder (src/synth/parallel.ts): spread over worker threads;
 * - a cached builder can wrap either one and return the stored output of a pair whose
 *   inputs did not change (a PairOutput is plain data for that reason).
 */
import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { AddonReleases, resolveAddons } from '../addons/releases';
import { SystemChart } from '../../charts/system-chart';
import { resolvePlatform, SystemContext, systemContext } from '../model/context';
import type { Manifest } from '../model/manifest';
import { names } from '../model/names';
import { summarize, SystemSummary } from '../model/summary';
import { addCustomConstructs } from '../escape/custom';
import type { CustomConstructRegistry } from '../escape/custom-api';
import { EscapeField, escapeFieldPath } from '../escape/fields';
import { applyEscapeHatches, objectKey } from '../escape/hatches';
import { enforcePolicy, folderOf } from '../policy/gate';
import { Problem, SpecError } from '../spec/errors';
import type { LoadedSpecs, LoadedSystem } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';
import { systemPage } from './pages';
import { manifestFileName, manifestYaml } from './serialize';
import { objectLimitProblems } from './object-limits';
import { skipResolveOfPlainData } from './plain-resolve';
import { schemaProblems, UnknownKindError } from './validate';

/** One system in one environment. */
export interface Pair {
  readonly system: LoadedSystem;
  readonly env: string;
}

/** A spec error as plain data (crosses threads, fits a cache). */
export interface PlainSpecError {
  readonly file: string;
  readonly path: string;
  readonly problem: string;
}

/** What building a pair produced: its files (paths relative to dist/), summary and errors. */
export interface PairOutput {
  /** Undefined when the build threw (see `thrown`). */
  readonly summary?: SystemSummary;
  readonly files: ReadonlyArray<readonly [string, string]>;
  /**
   * Instead of files: the pair's folder, already in the output folder as it should be, and how
   * many files it holds (a pair an incremental run reuses; its files are not even listed).
   * Only a sink that can keep folders in place (TreeSink.keepFolder) takes it.
   * @default - none
   */
  readonly kept?: { readonly folder: string; readonly files: number };
  readonly errors: readonly PlainSpecError[];
  /** An exception building the pair threw; the whole build rethrows it. */
  readonly thrown?: { readonly value: unknown; readonly plain: boolean };
}

/** Where and when an environment's pairs are built. */
export interface PairBuilder {
  /**
   * Builds `pairs` of `specs` and hands each output to `take` in the order of `pairs` (an
   * exception `take` throws ends the build). Returns where the pairs were built.
   */
  build(specs: LoadedSpecs, pairs: readonly Pair[], take: (output: PairOutput) => void): BuildStats;
}

/** Where the pairs of a build were made. */
export interface BuildStats {
  /** Worker threads started (0 for a serial build). */
  readonly workers: number;
  /** Pairs synthesized by the main thread and by the workers. */
  readonly pairsOnMainThread: number;
  readonly pairsOnWorkers: number;
}

/**
 * Adds constructs of its own to a system's chart (custom constructs, and tests that inject an
 * object to prove the gates catch it); what it adds goes through every gate.
 */
export type SystemExtension = (chart: Construct, ctx: SystemContext) => void;

/** Options of building a pair. */
export interface PairOptions {
  /**
   * Constructs added to every system's chart after the built-in concerns.
   * @default - none
   */
  readonly extensions?: readonly SystemExtension[];
  /**
   * The custom constructs specs may name under `custom:`.
   * @default - those registered in constructs/index.ts
   */
  readonly customConstructs?: CustomConstructRegistry;
}

/** Synthesizes one chart in an App of its own and returns its manifests. */
export function synthesizeChart(build: (app: App) => Chart): Manifest[] {
  skipResolveOfPlainData();
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = build(app);
  return chart.toJson() as Manifest[];
}

/**
 * Adds a schema error per problem of each manifest; they name the spec file, the object and the
 * field. Custom objects (generated or added by an escape hatch) are checked against the CRDs of
 * the add-on `releases` platform.yaml names; a kind no schema describes is an error too.
 * `texts`, each manifest's YAML when it is made already, spare the size check a serialization.
 */
export function validateManifests(manifests: readonly Manifest[], specFile: string, errors: SpecError[], releases: AddonReleases, texts?: readonly string[]): void {
  manifests.forEach((m, i) => {
    let problems: string[];
    try {
      problems = schemaProblems(m, releases);
    } catch (e) {
      if (!(e instanceof UnknownKindError)) throw e;
      problems = [`${e.message}; objects must be built-in kinds or kinds of the add-ons platform.yaml lists under addons`];
    }
    for (const problem of problems) {
      errors.push(new SpecError(specFile, `${m.kind}/${m.metadata.name}`, `does not match the Kubernetes schema: ${problem}`));
    }
    const yamlBytes = texts === undefined ? undefined : Buffer.byteLength(texts[i]);
    for (const problem of objectLimitProblems(m, yamlBytes)) errors.push(new SpecError(specFile, `${m.kind}/${m.metadata.name}`, problem));
  });
}

/** Path in dist/ and manifest of every object of a folder, in order. */
export function folderFiles(folder: string, manifests: readonly Manifest[], folderNamespace?: string): Array<{ file: string; manifest: Manifest }> {
  return manifests.map((manifest) => ({ file: `${folder}/${manifestFileName(manifest, folderNamespace)}`, manifest }));
}

/** One system in one environment, synthesized, written as YAML and validated (schema and policy); errors are added to `errors`. */
export function synthesizeSystem(
  system: LoadedSystem,
  env: string,
  platformSpec: PlatformSpec,
  errors: SpecError[],
  options: PairOptions = {},
): { ctx: SystemContext; manifests: Manifest[]; texts: string[] } {
  const ctx = systemContext(system.environments.get(env)!, resolvePlatform(platformSpec, env));
  const field = (f: EscapeField) => escapeFieldPath(system, env, f);
  const report = (problems: readonly Problem[]) => errors.push(...problems.map((p) => new SpecError(system.file, p.path, p.problem)));
  let custom: ReturnType<typeof addCustomConstructs> | undefined;
  const charted = synthesizeChart((app) => {
    const chart = new SystemChart(app, names.application(ctx.system, env), { ctx });
    for (const extend of options.extensions ?? []) extend(chart, ctx);
    custom = addCustomConstructs(chart, ctx, field('custom'), options.customConstructs);
    return chart;
  });
  report(custom!.problems);
  const hatched = applyEscapeHatches(ctx, charted, { extraObjects: field('extraObjects'), patches: field('patches') });
  report(hatched.problems);
  const manifests = hatched.manifests;
  // Their YAML is made here, once: the size check reads its length, buildPair writes it.
  const texts = manifests.map((m) => manifestYaml(m, system.file));
  validateManifests(manifests, system.file, errors, resolveAddons(platformSpec), texts);
  const folder = systemFolder(ctx);
  const files = folderFiles(folder, manifests, ctx.namespace);
  const originOf = new Map([...custom!.origins, ...hatched.origins]);
  const origins = new Map(files.flatMap((f) => (originOf.has(objectKey(f.manifest)) ? [[f.file, originOf.get(objectKey(f.manifest))!] as const] : [])));
  enforcePolicy(folderOf(folder, files), system.file, errors, ctx, { origins, waivers: ctx.spec.waivers, waiversField: field('waivers') });
  return { ctx, manifests, texts };
}

/** dist/<env>/<system>, the folder of one system in one environment. */
export function systemFolder(ctx: SystemContext): string {
  return `${ctx.env}/${ctx.system}`;
}

/** Builds one pair: files (objects and the README.md page), summary and errors. */
export function buildPair(pair: Pair, platform: PlatformSpec, options: PairOptions = {}): PairOutput {
  const errors: SpecError[] = [];
  const plain = () => errors.map((e): PlainSpecError => ({ file: e.file, path: e.path, problem: e.problem }));
  try {
    const s = synthesizeSystem(pair.system, pair.env, platform, errors, options);
    const folder = systemFolder(s.ctx);
    const files: Array<[string, string]> = folderFiles(folder, s.manifests, s.ctx.namespace).map((f, i) => [f.file, s.texts[i]]);
    files.push([`${folder}/README.md`, systemPage(s, pair.system.file)]);
    return { summary: summarize(s), files, errors: plain() };
  } catch (e) {
    return { files: [], errors: plain(), thrown: { value: e, plain: false } };
  }
}

/** Builds the pairs one after the other on this thread. */
export class SerialPairBuilder implements PairBuilder {
  constructor(private readonly options: PairOptions = {}) {}

  build(specs: LoadedSpecs, pairs: readonly Pair[], take: (output: PairOutput) => void): BuildStats {
    for (const pair of pairs) take(buildPair(pair, specs.platform, this.options));
    return { workers: 0, pairsOnMainThread: pairs.length, pairsOnWorkers: 0 };
  }
}
