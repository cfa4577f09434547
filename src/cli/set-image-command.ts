/**
 * `npm run set-image -- --app SYSTEM --env ENV COMPONENT=IMAGE:TAG...`: pins a component's
 * image in one environment (environments.ENV.components.COMPONENT.image in apps/SYSTEM.yaml,
 * created when missing; every other byte of the spec is kept), re-synthesizes dist/ and
 * prints what changed in dist/ENV/SYSTEM/. This is how CI promotes a build from staging to
 * production. Exit codes: 0 done (or nothing to change); 1 a refused image, an unknown
 * system, environment or component, or an invalid spec (the spec is then left as it was);
 * 2 usage error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { imageProblem } from '../spec/image';
import { setScalarInText } from '../spec/edit';
import { SpecErrors } from '../spec/errors';
import { displayPath, loadSpecs } from '../spec/load';
import { buildTree } from '../synth/build';
import { pairBuilderFor } from '../synth/parallel';
import { readTree, writeTree } from '../synth/write';
import { buildSettingsFromEnv, CommandIO, parseCommandArgs, reportSpecErrors, UsageError } from './command';
import { nonEmpty, renderChanges, SOURCE_FLAGS, summaryTable, treeChanges } from './diff-command';
import { specEditTarget } from './spec-edit-target';

export const SET_IMAGE_USAGE = `Usage: npm run set-image -- --app SYSTEM --env ENV COMPONENT=IMAGE... [--apps DIR] [--out DIR] [--platform FILE]

Sets environments.ENV.components.COMPONENT.image in apps/SYSTEM.yaml (comments and layout
are kept), re-synthesizes dist/ and prints the diff of dist/ENV/SYSTEM/.

  --app SYSTEM     the system (apps/SYSTEM.yaml)
  --env ENV        the environment whose override is set
  COMPONENT=IMAGE  e.g. backend=registry.example.com/shop-backend:v1.4.2 or ...@sha256:<64 hex>;
                   images must be pinned by tag or digest, and never 'latest'
  --apps DIR       system specs (default: apps)
  --out DIR        manifests (default: dist)
  --platform FILE  platform settings (default: platform.yaml)

Exit codes: 0 done; 1 image refused, unknown system/environment/component, or invalid spec; 2 usage error.
`;

export interface ImageAssignment {
  readonly component: string;
  readonly image: string;
}

export interface SetImageOptions {
  readonly app: string;
  readonly env: string;
  readonly images: readonly ImageAssignment[];
  readonly apps: string;
  readonly out: string;
  readonly platform: string;
}

export function parseSetImageArgs(argv: readonly string[]): SetImageOptions {
  const { values, positionals } = parseCommandArgs(argv, { app: { type: 'string' }, env: { type: 'string' }, ...SOURCE_FLAGS }, true);
  const app = nonEmpty('app', values.app);
  const env = nonEmpty('env', values.env);
  if (app === undefined) throw new UsageError('--app SYSTEM is required');
  if (env === undefined) throw new UsageError('--env ENV is required');
  if (positionals.length === 0) throw new UsageError('give at least one COMPONENT=IMAGE');
  const images = positionals.map((arg) => {
    const m = /^([^=\s]+)=(\S+)$/.exec(arg);
    if (m === null) throw new UsageError(`${JSON.stringify(arg)} is not COMPONENT=IMAGE (e.g. backend=registry.example.com/app:v1.2.3)`);
    return { component: m[1], image: m[2] };
  });
  const seen = new Set<string>();
  for (const { component } of images) {
    if (seen.has(component)) throw new UsageError(`${component} is given twice`);
    seen.add(component);
  }
  return { app, env, images, apps: nonEmpty('apps', values.apps)!, out: nonEmpty('out', values.out)!, platform: nonEmpty('platform', values.platform)! };
}

export function runSetImage(opts: SetImageOptions, io: CommandIO): number {
  const refused = opts.images.map(({ component, image }) => ({ component, image, problem: imageProblem(image) })).filter((r) => r.problem !== undefined);
  if (refused.length > 0) {
    io.err(refused.map((r) => `error: ${r.component}=${r.image}: the image ${r.problem}\n`).join(''));
    io.err('Nothing was changed.\n');
    return 1;
  }

  const target = specEditTarget(opts, io);
  if (target === undefined) return 1;
  const { appsDir, outDir, file } = target;

  io.progress.update(`loading specs from ${opts.apps}/`);
  let system;
  try {
    system = loadSpecs(appsDir, resolve(opts.platform)).systems.find((s) => s.file === displayPath(file));
  } catch (e) {
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, 'set-image (before editing anything)');
    throw e;
  }
  io.progress.done();
  if (system === undefined) throw new Error(`${displayPath(file)} was loaded but not found among the systems`);
  const merged = system.environments.get(opts.env);
  if (merged === undefined) {
    io.err(`error: --env ${opts.env}: ${opts.app} does not deploy to ${opts.env}; its environments: ${[...system.environments.keys()].join(', ')}\n`);
    return 1;
  }
  const unknown = opts.images.filter(({ component }) => merged.components[component] === undefined);
  if (unknown.length > 0) {
    const known = Object.keys(merged.components).sort().join(', ');
    io.err(unknown.map(({ component }) => `error: ${opts.app} has no component ${JSON.stringify(component)} in ${opts.env}; its components: ${known}\n`).join(''));
    return 1;
  }

  const original = readFileSync(file, 'utf8');
  let text = original;
  const edits: string[] = [];
  for (const { component, image } of opts.images) {
    const before = merged.components[component].image;
    if (before === image) continue;
    text = setScalarInText(text, ['environments', opts.env, 'components', component, 'image'], image);
    edits.push(`${displayPath(file)}: environments.${opts.env}.components.${component}.image: ${before} -> ${image}\n`);
  }
  if (edits.length === 0) {
    io.out(`Nothing to change: ${opts.app} in ${opts.env} already runs ${opts.images.map((i) => `${i.component}=${i.image}`).join(', ')}.\n`);
    return 0;
  }

  writeFileSync(file, text);
  let tree;
  try {
    io.progress.update('synthesizing');
    const specs = loadSpecs(appsDir, resolve(opts.platform));
    tree = buildTree(specs, opts.platform, pairBuilderFor(specs, buildSettingsFromEnv(io.env))).tree;
  } catch (e) {
    writeFileSync(file, original);
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, `set-image (${displayPath(file)} is left as it was)`);
    throw e;
  }
  io.progress.update(`writing ${opts.out}/`);
  const current = readTree(outDir);
  writeTree(outDir, tree);
  io.progress.done();

  const scope = { env: opts.env, app: opts.app };
  const changes = treeChanges(current, tree, scope);
  const elsewhere = treeChanges(current, tree).length - changes.length;
  io.out(edits.join(''));
  io.out(renderChanges(changes, opts.out, io.color));
  if (changes.length > 0) io.out(summaryTable(changes));
  if (elsewhere > 0) io.out(`note: ${elsewhere} file${elsewhere === 1 ? '' : 's'} outside ${opts.out}/${opts.env}/${opts.app}/ changed too: ${opts.out}/ was not up to date with ${opts.apps}/.\n`);
  io.out(`Wrote ${displayPath(file)} and ${opts.out}/; review with git diff, then commit both.\n`);
  return 0;
}
