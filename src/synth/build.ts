/**
 * Builds the whole dist/ tree: each system in each environment (a pair) is built by a
 * PairBuilder (src/synth/pair-builder.ts: serially, on worker threads, or from a cache), then
 * each environment's platform, apps and bootstrap folders are built from the pairs' summaries.
 * Files enter the sink in one order whatever built them: an environment's systems in spec
 * order, then its folders. Every object is validated against its upstream schema and the
 * policy gate; the caller writes files only if nothing failed.
 */
import { AppsChart, BootstrapChart } from '../../argocd/environment-charts';
import { PlatformChart } from '../../charts/platform-chart';
import { resolveAddons } from '../addons/releases';
import { resolvePlatform } from '../model/context';
import type { Manifest } from '../model/manifest';
import type { SystemSummary } from '../model/summary';
import { enforcePolicy, folderOf } from '../policy/gate';
import { SpecError, SpecErrors } from '../spec/errors';
import type { LoadedSpecs, LoadedSystem } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';
import { BuildStats, folderFiles, Pair, PairBuilder, PairOutput, SerialPairBuilder, synthesizeChart, validateManifests } from './pair-builder';
import { manifestYaml } from './serialize';
import { ownedOncePerCluster } from './cluster-ownership';

/** dist/ as a map of relative POSIX path to file content. */
export type Tree = Map<string, string>;

/**
 * Where built files go: a Tree in memory, or a writer that stages each file on disk as it
 * comes and keeps only its path (src/synth/write.ts), so memory does not grow with dist/.
 */
export interface TreeSink {
  has(path: string): boolean;
  set(path: string, content: string): unknown;
  /**
   * Takes a folder that is already in place as it should be, with `files` files (see
   * PairOutput.kept).
   * @default - the sink cannot: a build that hands it a kept folder fails
   */
  keepFolder?(folder: string, files: number): unknown;
  /**
   * Takes a file that is already in place as it should be (see EnvironmentFolderBuilder).
   * @default - the sink cannot: a build that hands it a kept file fails
   */
  keepFile?(path: string): unknown;
  readonly size: number;
}

/** Adds one file; two objects with one file name are refused rather than one overwriting the other. */
function addFile(sink: TreeSink, path: string, content: string): void {
  if (sink.has(path)) throw new Error(`two objects would be written to ${path}; object names must be unique per kind`);
  sink.set(path, content);
}

/** Adds one file that is in place already. */
function keepFile(sink: TreeSink, path: string): void {
  if (sink.keepFile === undefined) throw new Error(`${path} was handed on as already in place, but this output cannot keep files`);
  if (sink.has(path)) throw new Error(`two objects would be written to ${path}; object names must be unique per kind`);
  sink.keepFile(path);
}

/** Adds one folder that is in place already (see PairOutput.kept). */
function keepFolder(sink: TreeSink, kept: NonNullable<PairOutput['kept']>): void {
  if (sink.keepFolder === undefined) throw new Error(`${kept.folder}/ was handed on as already in place, but this output cannot keep folders`);
  sink.keepFolder(kept.folder, kept.files);
}

/** Environments in platform order, with the systems that deploy to each. */
export function environmentsOf(specs: LoadedSpecs): Array<{ env: string; systems: LoadedSystem[] }> {
  return Object.keys(specs.platform.environments).map((env) => ({
    env,
    systems: specs.systems.filter((s) => s.facts.has(env)),
  }));
}

/** Every pair, in build order: environment by environment, systems in spec order. */
export function pairsOf(specs: LoadedSpecs): Pair[] {
  return environmentsOf(specs).flatMap(({ env, systems }) => systems.map((system) => ({ system, env })));
}

/** Files of one folder or set of folders, by path relative to dist/, in order. */
export type Files = ReadonlyArray<readonly [string, string]>;

/**
 * Builds the shared folders of one environment (platform/, apps/, bootstrap/) from its
 * systems' summaries; adds what is wrong to `errors`. buildEnvironmentFolders builds them; a
 * cache can wrap it and, for the same inputs, name the files already in place as kept
 * (src/synth/incremental.ts).
 */
export type EnvironmentFolderBuilder = (
  env: string,
  platformSpec: PlatformSpec,
  systems: readonly SystemSummary[],
  platformFile: string,
  errors: SpecError[],
) => Files | { readonly kept: readonly string[] };

function folderYaml(folder: string, manifests: readonly Manifest[], source: string, errors: SpecError[], folderNamespace?: string): Array<[string, string]> {
  const files = folderFiles(folder, manifests, folderNamespace);
  enforcePolicy(folderOf(folder, files), source, errors);
  return files.map((f) => [f.file, manifestYaml(f.manifest, source)]);
}

/** The shared folders of one environment: platform/, apps/ and bootstrap/. */
export const buildEnvironmentFolders = (env: string, platformSpec: PlatformSpec, systems: readonly SystemSummary[], platformFile: string, errors: SpecError[]): Files => {
  const platform = resolvePlatform(platformSpec, env);
  const chart = synthesizeChart((app) => new PlatformChart(app, `platform-${env}`, { platform, systems: systems.map((s) => s.ctx) }));
  const platformManifests = ownedOncePerCluster(platformSpec, env, chart, platformFile, errors);
  const releases = resolveAddons(platformSpec);
  validateManifests(platformManifests, platformFile, errors, releases);
  const props = { platform, systems, platformManifests };
  const apps = synthesizeChart((app) => new AppsChart(app, `apps-${env}`, props));
  const bootstrap = synthesizeChart((app) => new BootstrapChart(app, `bootstrap-${env}`, props));
  validateManifests(apps, platformFile, errors, releases);
  validateManifests(bootstrap, platformFile, errors, releases);
  return [
    ...folderYaml(`${env}/platform`, platformManifests, platformFile, errors),
    ...folderYaml(`${env}/apps`, apps, platformFile, errors, platform.argocdNamespace),
    ...folderYaml(`${env}/bootstrap`, bootstrap, platformFile, errors, platform.argocdNamespace),
  ];
};

/** Revives an exception a pair threw (as plain data when it crossed threads). */
function rethrow(thrown: { readonly value: unknown; readonly plain: boolean }): never {
  if (!thrown.plain) throw thrown.value;
  const plain = thrown.value as { name: string; message: string; stack?: string };
  const err = new Error(plain.message);
  err.name = plain.name;
  if (plain.stack !== undefined) err.stack = plain.stack;
  throw err;
}

/**
 * Builds every file of dist/ into `sink` with `builder` (the pairs) and `folders` (each
 * environment's shared folders); throws SpecErrors when any object is invalid or breaks a
 * policy rule. An environment's folders are built as soon as its last system is in, so at
 * most one environment's summaries are held.
 */
export function buildInto(
  specs: LoadedSpecs,
  platformFile: string,
  sink: TreeSink,
  builder: PairBuilder = new SerialPairBuilder(),
  folders: EnvironmentFolderBuilder = buildEnvironmentFolders,
): BuildStats {
  const errors: SpecError[] = [];
  const environments = environmentsOf(specs);
  let envIndex = 0;
  let summaries: SystemSummary[] = [];
  const finishEnvironments = () => {
    while (envIndex < environments.length && summaries.length === environments[envIndex].systems.length) {
      const out = folders(environments[envIndex].env, specs.platform, summaries, platformFile, errors);
      if ('kept' in out) for (const path of out.kept) keepFile(sink, path);
      else for (const [path, content] of out) addFile(sink, path, content);
      envIndex++;
      summaries = [];
    }
  };
  finishEnvironments();
  const stats = builder.build(specs, pairsOf(specs), (out) => {
    if (out.thrown !== undefined) rethrow(out.thrown);
    for (const e of out.errors) errors.push(new SpecError(e.file, e.path, e.problem));
    for (const [path, content] of out.files) addFile(sink, path, content);
    if (out.kept !== undefined) keepFolder(sink, out.kept);
    summaries.push(out.summary!);
    finishEnvironments();
  });
  finishEnvironments();
  if (errors.length > 0) throw new SpecErrors(errors);
  return stats;
}

/** Builds every file of dist/ in memory with `builder` (serial by default). */
export function buildTree(specs: LoadedSpecs, platformFile: string, builder?: PairBuilder): { tree: Tree; objects: number; stats: BuildStats } {
  const tree: Tree = new Map();
  const stats = buildInto(specs, platformFile, tree, builder);
  return { tree, objects: tree.size, stats };
}
