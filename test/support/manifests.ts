/**
 * Test support: synthesizes the repository's specs in-process once per test file and gives
 * the manifests of each dist/<env>/<folder>/ as parsed objects.
 */
import { load } from 'js-yaml';
import { join } from 'node:path';
import { loadSpecs, LoadedSpecs } from '../../src/spec/load';
import { buildTree, Tree } from '../../src/synth/build';

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

export function synthesizeRepo(appsDir = join(ROOT, 'apps')): Synthesized {
  const specs = loadSpecs(appsDir, join(ROOT, 'platform.yaml'));
  const { tree } = buildTree(specs, 'platform.yaml');
  return { specs, tree, folders: foldersOf(tree) };
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
