/**
 * `npm run promote -- --app SYSTEM --from ENV --to ENV`: copies the exact image references
 * (tags and digests) of every component from one environment to the next, as
 * environments.TO.components.C.image overrides in apps/SYSTEM.yaml (every other byte of the
 * spec is kept), re-synthesizes dist/ and prints the image changes and the diff of
 * dist/TO/SYSTEM/. What runs in production is then exactly what staging ran.
 * Exit codes: 0 done (or nothing to promote); 1 an unknown system or environment, an image the
 * target environment refuses (e.g. no digest where platform.yaml requires one), or an invalid
 * spec (the spec is then left as it was); 2 usage error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppSpec } from '../spec/app-spec.generated';
import { setScalarInText } from '../spec/edit';
import { SpecErrors } from '../spec/errors';
import { parseImage } from '../spec/image-reference';
import { displayPath, loadSpecs } from '../spec/load';
import { buildTree } from '../synth/build';
import { pairBuilderFor } from '../synth/parallel';
import { readTree, writeTree } from '../synth/write';
import { buildSettingsFromEnv, CommandIO, parseCommandArgs, reportSpecErrors, UsageError } from './command';
import { nonEmpty, renderChanges, SOURCE_FLAGS, summaryTable, treeChanges } from './diff-command';
import { specEditTarget } from './spec-edit-target';

export const PROMOTE_USAGE = `Usage: npm run promote -- --app SYSTEM --from ENV --to ENV [--apps DIR] [--out DIR] [--platform FILE]

Copies every component's image (tag and digest, exactly) from one environment to another:
sets environments.TO.components.COMPONENT.image in apps/SYSTEM.yaml (comments and layout are
kept), re-synthesizes dist/ and prints the image changes and the diff of dist/TO/SYSTEM/.

  --app SYSTEM     the system (apps/SYSTEM.yaml)
  --from ENV       the environment whose images were tested, e.g. staging
  --to ENV         the environment to promote them to, e.g. production
  --apps DIR       system specs (default: apps)
  --out DIR        manifests (default: dist)
  --platform FILE  platform settings (default: platform.yaml)

Exit codes: 0 done; 1 unknown system/environment, image refused by the target, or invalid spec; 2 usage error.
`;

export interface PromoteOptions {
  readonly app: string;
  readonly from: string;
  readonly to: string;
  readonly apps: string;
  readonly out: string;
  readonly platform: string;
}

export function parsePromoteArgs(argv: readonly string[]): PromoteOptions {
  const { values } = parseCommandArgs(argv, { app: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, ...SOURCE_FLAGS }, false);
  const app = nonEmpty('app', values.app);
  const from = nonEmpty('from', values.from);
  const to = nonEmpty('to', values.to);
  if (app === undefined) throw new UsageError('--app SYSTEM is required');
  if (from === undefined) throw new UsageError('--from ENV is required');
  if (to === undefined) throw new UsageError('--to ENV is required');
  if (from === to) throw new UsageError(`--from and --to are both ${from}; promote copies images from one environment to another`);
  return { app, from, to, apps: nonEmpty('apps', values.apps)!, out: nonEmpty('out', values.out)!, platform: nonEmpty('platform', values.platform)! };
}

/** One component whose image the target environment will change. */
export interface ImagePromotion {
  readonly component: string;
  readonly before: string;
  readonly after: string;
}

/**
 * What promoting `from` to `to` changes: each component both run whose image differs, sorted
 * by name. Components only one of them runs are listed separately, since nothing is copied.
 */
export function planPromotion(from: AppSpec, to: AppSpec): { promotions: ImagePromotion[]; onlyInFrom: string[]; sidecarImages: string[] } {
  const promotions: ImagePromotion[] = [];
  const onlyInFrom: string[] = [];
  const sidecarImages: string[] = [];
  for (const [name, c] of Object.entries(from.components).sort(([a], [b]) => a.localeCompare(b))) {
    const target = to.components[name];
    if (target === undefined) {
      onlyInFrom.push(name);
      continue;
    }
    if (target.image !== c.image) promotions.push({ component: name, before: target.image, after: c.image });
    // Lists replace whole in overrides, so init container and sidecar images are not copied.
    const extra = (x: AppSpec['components'][string]) => [...(x.initContainers ?? []), ...(x.sidecars ?? [])].map((e) => `${e.name}=${e.image ?? '(component image)'}`).join(',');
    if (extra(c) !== extra(target)) sidecarImages.push(name);
  }
  return { promotions, onlyInFrom, sidecarImages };
}

export function runPromote(opts: PromoteOptions, io: CommandIO): number {
  const target = specEditTarget(opts, io);
  if (target === undefined) return 1;
  const { appsDir, outDir, file } = target;

  io.progress.update(`loading specs from ${opts.apps}/`);
  let specs;
  try {
    specs = loadSpecs(appsDir, resolve(opts.platform));
  } catch (e) {
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, 'promote (before editing anything)');
    throw e;
  }
  io.progress.done();
  const system = specs.systems.find((s) => s.file === displayPath(file));
  if (system === undefined) throw new Error(`${displayPath(file)} was loaded but not found among the systems`);
  for (const [flag, env] of [['from', opts.from], ['to', opts.to]] as const) {
    if (!system.environments.has(env)) {
      io.err(`error: --${flag} ${env}: ${opts.app} does not deploy to ${env}; its environments: ${[...system.environments.keys()].join(', ')}\n`);
      return 1;
    }
  }
  const { promotions, onlyInFrom, sidecarImages } = planPromotion(system.environments.get(opts.from)!, system.environments.get(opts.to)!);

  // Refuse up front, with the reason, what the target's platform rules would refuse later.
  if (specs.platform.environments[opts.to]?.requireImageDigests === true) {
    const undigested = promotions.filter((p) => parseImage(p.after).digest === undefined);
    if (undigested.length > 0) {
      io.err(
        undigested
          .map((p) => `error: ${p.component}: ${opts.from} runs ${p.after} without a digest, but platform.yaml requires image digests in ${opts.to}; pin it in ${opts.from} first (npm run set-image -- --app ${opts.app} --env ${opts.from} ${p.component}=${p.after}@sha256:<64 hex>)\n`)
          .join(''),
      );
      io.err('Nothing was changed.\n');
      return 1;
    }
  }
  const notes = [
    ...onlyInFrom.map((c) => `note: ${c} runs in ${opts.from} but not in ${opts.to}; nothing to promote\n`),
    ...sidecarImages.map((c) => `note: ${c}'s init containers or sidecars differ between ${opts.from} and ${opts.to}; promote copies component images only: edit those lists by hand\n`),
  ];
  if (promotions.length === 0) {
    io.out(notes.join(''));
    io.out(`Nothing to promote: ${opts.app} in ${opts.to} already runs the images of ${opts.from}.\n`);
    return 0;
  }

  const original = readFileSync(file, 'utf8');
  let text = original;
  for (const p of promotions) text = setScalarInText(text, ['environments', opts.to, 'components', p.component, 'image'], p.after);
  writeFileSync(file, text);
  let tree;
  try {
    io.progress.update('synthesizing');
    const next = loadSpecs(appsDir, resolve(opts.platform));
    tree = buildTree(next, opts.platform, pairBuilderFor(next, buildSettingsFromEnv(io.env))).tree;
  } catch (e) {
    writeFileSync(file, original);
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, `promote (${displayPath(file)} is left as it was)`);
    throw e;
  }
  io.progress.update(`writing ${opts.out}/`);
  const current = readTree(outDir);
  writeTree(outDir, tree);
  io.progress.done();

  const changes = treeChanges(current, tree, { env: opts.to, app: opts.app });
  const elsewhere = treeChanges(current, tree).length - changes.length;
  io.out(`Promoting ${opts.app} from ${opts.from} to ${opts.to}:\n`);
  io.out(promotions.map((p) => `${displayPath(file)}: environments.${opts.to}.components.${p.component}.image: ${p.before} -> ${p.after}\n`).join(''));
  io.out(notes.join(''));
  io.out(renderChanges(changes, opts.out, io.color));
  if (changes.length > 0) io.out(summaryTable(changes));
  if (elsewhere > 0) io.out(`note: ${elsewhere} file${elsewhere === 1 ? '' : 's'} outside ${opts.out}/${opts.to}/${opts.app}/ changed too: ${opts.out}/ was not up to date with ${opts.apps}/.\n`);
  io.out(`Wrote ${displayPath(file)} and ${opts.out}/; review with git diff, then commit both.\n`);
  return 0;
}
