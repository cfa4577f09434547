/**
 * Reads platform.yaml and the system specs in apps/, validates them (schema, then rules, for
 * the base spec and for every environment with its overrides merged) and reports every
 * problem with the file and field path. Nothing is built unless every spec is valid.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { loadAll } from 'js-yaml';
import type { AppSpec } from './app-spec.generated';
import type { PlatformSpec } from './platform.generated';
import { Problem, SpecError, SpecErrors } from './errors';
import { deepMerge, isPlainObject, overrideSets } from './merge';
import { factsOf, SystemFacts } from './facts';
import { checkImageDigests } from './rules/image-digests';
import { checkRules } from './rules';
import { checkPlatformRouting, checkRoutingSupport, GATEWAY_MAX_HTTPS_LISTENERS, gatewayOverflows } from './rules/routing';
import { routingOf } from '../model/context';
import { checkAppSchema, checkPlatformSchema } from './schema-check';
import { expandsBeyond, invalidUtf8At, MAX_EXPANDED_BYTES, specFileProblem } from './file-checks';
import { checkPlatformRules } from './platform-rules';
import { checkAcrossSystems } from './rules/cross-system';
import { checkPlatformFit } from './rules/platform-fit';
import { settingsYamlWouldChange } from './yaml-exactness';

/** Specs larger than this are refused before parsing (a spec is a page, not a data dump). */
export const MAX_SPEC_BYTES = 256 * 1024;

/** Folder names under dist/<env>/ that synth itself uses. */
export const RESERVED_NAMES = new Set(['platform', 'bootstrap', 'apps']);

/** One system spec: the base as written, and the merged spec of each environment. */
export interface LoadedSystem {
  readonly file: string;
  readonly base: AppSpec;
  /** Environment name to the spec with that environment's overrides merged, sorted by name. */
  readonly environments: ReadonlyMap<string, AppSpec>;
  /**
   * What is read of every system at once (src/spec/facts.ts), by environment as `environments`:
   * code that looks at all systems reads these, so that a cached spec need not be merged.
   */
  readonly facts: SystemFacts;
}

export interface LoadedSpecs {
  readonly platform: PlatformSpec;
  readonly systems: readonly LoadedSystem[];
}

/** How a path is shown in messages: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}

/** Reads one YAML document, refusing empty, huge, multi-document and non-mapping files. */
export function readYamlMapping(file: string): Record<string, unknown> {
  const shown = displayPath(file);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new SpecErrors([new SpecError(shown, '', 'cannot be read: the file does not exist')]);
  }
  if (size > MAX_SPEC_BYTES) {
    throw new SpecErrors([new SpecError(shown, '', `is ${size} bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes (split it or remove generated content)`)]);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new SpecErrors([new SpecError(shown, '', `cannot be read: ${(e as { code?: string }).code ?? (e as Error).message}`)]);
  }
  const bad = invalidUtf8At(bytes);
  if (bad !== undefined) {
    throw new SpecErrors([new SpecError(shown, '', `is not valid UTF-8: line ${bad.line} (byte ${bad.byte}) holds a byte sequence that is not UTF-8; save the file as UTF-8`)]);
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '' || text.split('\n').every((l) => l.trim() === '' || l.trim().startsWith('#'))) {
    throw new SpecErrors([new SpecError(shown, '', 'is empty; a spec is a YAML mapping with at least name, components and environments')]);
  }
  let docs: unknown[];
  try {
    docs = loadAll(text, undefined, { filename: shown, json: false });
  } catch (e) {
    const err = e as { reason?: string; mark?: { line: number; column: number }; message: string };
    const where = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
    throw new SpecErrors([new SpecError(shown, '', `is not valid YAML${where}: ${err.reason ?? err.message}`)]);
  }
  if (docs.length > 1) {
    throw new SpecErrors([new SpecError(shown, '', `holds ${docs.length} YAML documents; a spec is one document (remove the '---' separators)`)]);
  }
  const doc = docs[0];
  if (doc === null || doc === undefined) {
    throw new SpecErrors([new SpecError(shown, '', 'is empty; a spec is a YAML mapping with at least name, components and environments')]);
  }
  if (!isPlainObject(doc)) {
    const kind = Array.isArray(doc) ? 'a list' : `a ${typeof doc}`;
    throw new SpecErrors([new SpecError(shown, '', `must be a YAML mapping (key: value lines) but is ${kind}`)]);
  }
  if (expandsBeyond(doc)) {
    throw new SpecErrors([new SpecError(shown, '', `expands to more than ${MAX_EXPANDED_BYTES} bytes through YAML aliases (*name); write the values out, or use fewer aliases`)]);
  }
  return doc;
}

export function loadPlatform(file: string): PlatformSpec {
  const doc = readYamlMapping(file);
  const schemaProblems = checkPlatformSchema(doc);
  const problems =
    schemaProblems.length > 0 ? schemaProblems : [...checkPlatformRules(doc as unknown as PlatformSpec), ...checkPlatformRouting(doc as unknown as PlatformSpec)];
  if (problems.length > 0) throw new SpecErrors(problems.map((p) => new SpecError(displayPath(file), p.path, p.problem)));
  return doc as unknown as PlatformSpec;
}

/** Spec files of a folder: every *.yaml / *.yml, sorted. */
export function specFiles(appsDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(appsDir);
  } catch {
    throw new SpecErrors([new SpecError(displayPath(appsDir), '', 'cannot be read: the folder does not exist')]);
  }
  return entries
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(appsDir, f));
}

/** Validates one system spec against the platform; throws SpecErrors with every problem. */
export function loadSystem(file: string, platform: PlatformSpec): LoadedSystem {
  const shown = displayPath(file);
  const doc = readYamlMapping(file);
  const errors: SpecError[] = [];
  const report = (problems: Problem[], prefix = '') => {
    for (const p of problems) errors.push(new SpecError(shown, prefix + p.path, p.problem));
  };

  const baseProblems = checkAppSchema(doc);
  report(baseProblems);
  if (baseProblems.length > 0) throw new SpecErrors(errors);
  if (hasNonStringSettings(doc)) report(settingsYamlWouldChange(readFileSync(file, 'utf8')));
  const base = doc as unknown as AppSpec;

  if (RESERVED_NAMES.has(base.name)) {
    report([{ path: 'name', problem: `${JSON.stringify(base.name)} is reserved for dist/<env>/${base.name}/; choose another system name` }]);
  }
  const expectedName = basename(file).replace(/\.ya?ml$/, '');
  if (base.name !== expectedName) {
    report([{ path: 'name', problem: `is ${JSON.stringify(base.name)} but the file is ${basename(file)}; name the file ${base.name}.yaml so each system has one obvious spec` }]);
  }
  const envNames = Object.keys(base.environments).sort();
  for (const env of envNames) {
    if (!(env in platform.environments)) {
      report([{ path: `environments.${env}`, problem: `is not an environment of platform.yaml; known: ${Object.keys(platform.environments).join(', ')}` }]);
    }
  }
  if (errors.length > 0) throw new SpecErrors(errors);

  const environments = mergedEnvironments(base);
  for (const env of envNames) {
    const override = base.environments[env] ?? {};
    const merged = environments.get(env)!;
    // Report a problem at the override when the override set the field, else at the base.
    const where = (p: Problem): Problem =>
      overrideSets(override, p.path) ? { ...p, path: `environments.${env}.${p.path}` } : p;
    const schemaProblems = checkAppSchema(merged).map(where);
    const problems =
      schemaProblems.length > 0
        ? schemaProblems
        : [...checkRules(merged), ...checkPlatformFit(merged, env, platform), ...checkImageDigests(merged, env, platform), ...checkRoutingSupport(merged, routingOf(platform, env))].map(where);
    for (const p of problems) {
      // The same base problem shows up once per environment: report it once.
      if (!errors.some((e) => e.path === p.path && e.problem === p.problem)) report([p]);
    }
  }
  if (errors.length > 0) throw new SpecErrors(errors);
  return { file: shown, base, environments, facts: factsOf(environments) };
}

/** Each environment's spec: the base with that environment's overrides merged, sorted by name. */
export function mergedEnvironments(base: AppSpec): Map<string, AppSpec> {
  const environments = new Map<string, AppSpec>();
  for (const env of Object.keys(base.environments).sort()) environments.set(env, deepMerge(base, base.environments[env] ?? {}));
  return environments;
}

/** Whether a spec's config or env (base or overrides) holds a number or boolean: only then can YAML have changed one. */
function hasNonStringSettings(doc: Record<string, unknown>): boolean {
  const nonString = (m: unknown) => isPlainObject(m) && Object.values(m).some((v) => typeof v === 'number' || typeof v === 'boolean');
  const inSpec = (spec: unknown): boolean => {
    if (!isPlainObject(spec)) return false;
    if (nonString(spec.config)) return true;
    return isPlainObject(spec.components) && Object.values(spec.components).some((c) => isPlainObject(c) && nonString(c.env));
  };
  return inSpec(doc) || (isPlainObject(doc.environments) && Object.values(doc.environments).some(inSpec));
}

/**
 * Loads platform.yaml and every spec of a folder; collects every error before throwing.
 * `loadOne` loads one spec (incremental synth passes one that reuses specs loaded before).
 */
export function loadSpecs(appsDir: string, platformFile: string, loadOne: (file: string, platform: PlatformSpec) => LoadedSystem = loadSystem): LoadedSpecs {
  const platform = loadPlatform(platformFile);
  const errors: SpecError[] = [];
  const systems: LoadedSystem[] = [];
  const files = specFiles(appsDir);
  if (files.length === 0) throw new SpecErrors([new SpecError(displayPath(appsDir), '', 'holds no *.yaml spec; add one per system (see apps/ in the README)')]);
  for (const file of files) {
    const fileProblem = specFileProblem(file, appsDir);
    if (fileProblem !== undefined) {
      errors.push(new SpecError(displayPath(file), '', fileProblem));
      continue;
    }
    try {
      systems.push(loadOne(file, platform));
    } catch (e) {
      if (!(e instanceof SpecErrors)) throw e;
      errors.push(...e.errors);
    }
  }
  // Two systems in one namespace, or on one host, would fight over the same objects.
  errors.push(...checkAcrossSystems(systems, platform));
  for (const o of gatewayOverflows(platform, systems)) {
    errors.push(new SpecError(displayPath(platformFile), 'gateway', `the systems of ${o.env} serve ${o.hosts} hosts with TLS but one Gateway holds at most ${GATEWAY_MAX_HTTPS_LISTENERS} HTTPS listeners; use fewer hosts, or keep ${o.env} on routing: ingress-nginx`));
  }
  if (errors.length > 0) throw new SpecErrors(errors);
  return { platform, systems };
}
