/**
 * Builds the whole dist/ tree in memory: each system in each environment is its own cdk8s
 * App (cost grows linearly with the number of systems), then each environment's platform,
 * apps and bootstrap folders. Every object is validated against its upstream schema; the
 * caller writes files only if nothing failed.
 */
import { App, Chart } from 'cdk8s';
import { AppsChart, BootstrapChart, SynthesizedSystem } from '../../argocd/environment-charts';
import { PlatformChart } from '../../charts/platform-chart';
import { SystemChart } from '../../charts/system-chart';
import { resolvePlatform, systemContext } from '../model/context';
import { SpecError, SpecErrors } from '../spec/errors';
import type { LoadedSpecs, LoadedSystem } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';
import { systemPage } from './pages';
import { manifestFileName, manifestYaml } from './serialize';
import { Manifest, schemaProblems } from './validate';

/** dist/ as a map of relative POSIX path to file content. */
export type Tree = Map<string, string>;

/**
 * Where built files go: a Tree in memory, or a writer that stages each file on disk as it
 * comes and keeps only its path (src/synth/write.ts), so memory does not grow with dist/.
 */
export interface TreeSink {
  has(path: string): boolean;
  set(path: string, content: string): unknown;
  readonly size: number;
}

/** Synthesizes one chart in an App of its own and returns its manifests. */
function synthesize(build: (app: App) => Chart): Manifest[] {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = build(app);
  return chart.toJson() as Manifest[];
}

/** Validates manifests; problems name the spec file, the object and the field. */
function validate(manifests: readonly Manifest[], specFile: string, errors: SpecError[]): void {
  for (const m of manifests) {
    for (const problem of schemaProblems(m)) {
      errors.push(new SpecError(specFile, `${m.kind}/${m.metadata.name}`, `does not match the Kubernetes schema: ${problem}`));
    }
  }
}

function addFiles(tree: TreeSink, folder: string, manifests: readonly Manifest[], source: string, folderNamespace?: string): void {
  for (const m of manifests) {
    const path = `${folder}/${manifestFileName(m, folderNamespace)}`;
    if (tree.has(path)) throw new Error(`two objects would be written to ${path}; object names must be unique per kind`);
    tree.set(path, manifestYaml(m, source));
  }
}

/** One system in one environment: its manifests, validated. */
export function buildSystem(system: LoadedSystem, env: string, platformSpec: PlatformSpec, errors: SpecError[]): SynthesizedSystem {
  const ctx = systemContext(system.environments.get(env)!, resolvePlatform(platformSpec, env));
  const manifests = synthesize((app) => new SystemChart(app, `${ctx.system}-${env}`, { ctx }));
  validate(manifests, system.file, errors);
  return { ctx, manifests };
}

/** Environments in platform order, with the systems that deploy to each. */
export function environmentsOf(specs: LoadedSpecs): Array<{ env: string; systems: LoadedSystem[] }> {
  return Object.keys(specs.platform.environments).map((env) => ({
    env,
    systems: specs.systems.filter((s) => s.environments.has(env)),
  }));
}

/** The shared folders of one environment: platform/, apps/ and bootstrap/. */
export function buildEnvironmentFolders(
  tree: TreeSink,
  env: string,
  platformSpec: PlatformSpec,
  systems: readonly SynthesizedSystem[],
  platformFile: string,
  errors: SpecError[],
): void {
  const platform = resolvePlatform(platformSpec, env);
  const platformManifests = synthesize((app) => new PlatformChart(app, `platform-${env}`, { platform }));
  validate(platformManifests, platformFile, errors);
  const props = { platform, systems, platformManifests };
  const apps = synthesize((app) => new AppsChart(app, `apps-${env}`, props));
  const bootstrap = synthesize((app) => new BootstrapChart(app, `bootstrap-${env}`, props));
  validate(apps, platformFile, errors);
  validate(bootstrap, platformFile, errors);
  addFiles(tree, `${env}/platform`, platformManifests, platformFile);
  addFiles(tree, `${env}/apps`, apps, platformFile, platform.argocdNamespace);
  addFiles(tree, `${env}/bootstrap`, bootstrap, platformFile, platform.argocdNamespace);
}

/** Adds the files of one synthesized system to the tree, with its README.md page. */
export function addSystemFiles(tree: TreeSink, s: SynthesizedSystem, specFile: string): void {
  addFiles(tree, `${s.ctx.env}/${s.ctx.system}`, s.manifests, specFile, s.ctx.namespace);
  tree.set(`${s.ctx.env}/${s.ctx.system}/README.md`, systemPage(s, specFile));
}

/**
 * Told about each system/environment pair once it is built, with its files: the incremental
 * synth cache (src/synth/incremental.ts) records them.
 */
export type PairObserver = (system: LoadedSystem, built: SynthesizedSystem, files: ReadonlyArray<readonly [string, string]>) => void;

/** Builds every file of dist/ into `sink`, serially; throws SpecErrors when any object is invalid. */
export function buildInto(specs: LoadedSpecs, platformFile: string, sink: TreeSink, onPair?: PairObserver): void {
  const errors: SpecError[] = [];
  for (const { env, systems } of environmentsOf(specs)) {
    const synthesized = systems.map((system) => {
      const s = buildSystem(system, env, specs.platform, errors);
      const files: Tree = new Map();
      addSystemFiles(files, s, system.file);
      for (const [path, content] of files) sink.set(path, content);
      onPair?.(system, s, [...files]);
      return s;
    });
    buildEnvironmentFolders(sink, env, specs.platform, synthesized, platformFile, errors);
  }
  if (errors.length > 0) throw new SpecErrors(errors);
}

/** Builds every file of dist/ in memory, serially; throws SpecErrors when any object is invalid. */
export function buildTree(specs: LoadedSpecs, platformFile: string): { tree: Tree; objects: number } {
  const tree: Tree = new Map();
  buildInto(specs, platformFile, tree);
  return { tree, objects: tree.size };
}
