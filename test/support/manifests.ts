/**
 * Test support: synthesizes the repository's specs in-process once per test file and gives
 * the manifests of each dist/<env>/<folder>/ as parsed objects.
 */
import { load } from 'js-yaml';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { loadSpecs, LoadedSpecs } from '../../src/spec/load';
import type { Tree } from '../../src/synth/build';
import { codeFingerprint } from '../../src/synth/code-fingerprint';

export const ROOT = join(__dirname, '..', '..');

/** A manifest as plain data; tests read fields dynamically. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

export interface Synthesized {
  readonly specs: LoadedSpecs;
  readonly tree: Tree;
  /** `<env>/<folder>` to the objects of that folder. */
  readonly folders: Map<string, Obj[]>;
}

/**
 * Several test files read the synthesized repository; each jest file has its own module
 * registry, so each would load cdk8s and synthesize again. The tree is kept in .cache/jest/,
 * keyed by the code, the specs and platform.yaml, and synthesized only when one of them changed.
 */
function repoTree(appsDir: string, specs: LoadedSpecs): Tree {
  const hash = createHash('sha256').update(codeFingerprint(__filename, ROOT)).update(readFileSync(join(ROOT, 'platform.yaml')));
  for (const f of readdirSync(appsDir).sort()) hash.update(`${f}\0`).update(readFileSync(join(appsDir, f)));
  const file = join(ROOT, '.cache', 'jest', `repo-tree-${hash.digest('hex').slice(0, 16)}.v8`);
  try {
    return deserialize(readFileSync(file)) as Tree;
  } catch {
    // Not synthesized yet for these inputs: build it here (cdk8s is loaded only on this path).
    const { tree } = requireBuild().buildTree(specs, 'platform.yaml');
    mkdirSync(join(ROOT, '.cache', 'jest'), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, serialize(tree));
    renameSync(`${file}.${process.pid}.tmp`, file);
    return tree;
  }
}

export function synthesizeRepo(appsDir = join(ROOT, 'apps')): Synthesized {
  const specs = loadSpecs(appsDir, join(ROOT, 'platform.yaml'));
  const tree = appsDir === join(ROOT, 'apps') ? repoTree(appsDir, specs) : requireBuild().buildTree(specs, 'platform.yaml').tree;
  return { specs, tree, folders: foldersOf(tree) };
}

function requireBuild(): typeof import('../../src/synth/build') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../src/synth/build') as typeof import('../../src/synth/build');
}

export function foldersOf(tree: Tree): Map<string, Obj[]> {
  const folders = new Map<string, Obj[]>();
  for (const [path, content] of [...tree.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!path.endsWith('.yaml')) continue;
    const folder = path.split('/').slice(0, 2).join('/');
    folders.set(folder, [...(folders.get(folder) ?? []), load(content)]);
  }
  return folders;
}

/** The pod template of a workload object, or undefined for other kinds. */
export function podTemplate(o: Obj): Obj | undefined {
  if (['Deployment', 'StatefulSet', 'Job'].includes(o.kind)) return o.spec.template;
  if (o.kind === 'CronJob') return o.spec.jobTemplate.spec.template;
  return undefined;
}

export function find(objs: Obj[], kind: string, name: string): Obj {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name} among ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** Whether every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}
