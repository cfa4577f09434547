/**
 * Reads CRD files out of Go modules: `go mod download -json` fetches the module zip pinned by
 * version (verified by go against go.sum's checksum database) and unpacks it into the module
 * cache, whose directory it reports. Only the scripts and the cluster tests call this; synth
 * reads the committed artifacts instead.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { ADDONS, AddonName } from './catalogue';
import { CrdArtifact, CrdKind, stripDescriptions } from './artifact';

/** The Go toolchain some of these modules need (argo-cd v3.6, gateway-api v1.7 declare go 1.27). */
export const GO_TOOLCHAIN = 'go1.27.4';

export interface ModuleDownload {
  readonly dir: string;
  readonly sum: string;
}

/** A full CustomResourceDefinition as its YAML file holds it. */
export interface CrdDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [k: string]: unknown };
  readonly spec: {
    readonly group: string;
    readonly scope: 'Namespaced' | 'Cluster';
    readonly names: { readonly kind: string; readonly plural: string };
    readonly versions: ReadonlyArray<{
      readonly name: string;
      readonly served: boolean;
      readonly storage: boolean;
      readonly deprecated?: boolean;
      readonly schema?: { readonly openAPIV3Schema?: Record<string, unknown> };
    }>;
  };
}

/**
 * Downloads (or finds in the module cache) one module version and returns where go unpacked it.
 * `env` is the environment go runs with (GOMODCACHE, GOPROXY, ...).
 */
export function downloadModule(module: string, version: string, env: NodeJS.ProcessEnv): ModuleDownload {
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
      encoding: 'utf8',
      // Always this toolchain: with GOTOOLCHAIN=local an older go refuses modules that declare go 1.27.
      env: { ...env, GOTOOLCHAIN: GO_TOOLCHAIN },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: '/',
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    out = err.stdout ?? '';
    if (out === '') throw new Error(`go mod download ${module}@${version} failed: ${(err.stderr ?? err.message).trim()}`);
  }
  const info = JSON.parse(out) as { Dir?: string; Sum?: string; Error?: string };
  if (info.Error !== undefined || info.Dir === undefined || info.Sum === undefined) {
    throw new Error(`go mod download ${module}@${version} failed: ${info.Error ?? 'no module directory reported'}`);
  }
  return { dir: info.Dir, sum: info.Sum };
}

/** The CRD documents of one file (one CRD each in the catalogue's files). */
export function readCrdFile(path: string): CrdDocument {
  const doc = load(readFileSync(path, 'utf8')) as CrdDocument;
  if (doc?.kind !== 'CustomResourceDefinition') throw new Error(`${path} is not a CustomResourceDefinition (kind ${String(doc?.kind)})`);
  return doc;
}

/** The full CRD files of one add-on release: paths in the module cache, in catalogue order. */
export function crdFilePaths(addon: AddonName, release: string, env: NodeJS.ProcessEnv): string[] {
  const source = ADDONS[addon];
  if (source.module === undefined) return [];
  const { dir } = downloadModule(source.module, release, env);
  return source.crdFiles.map((f) => join(dir, f));
}

/** The compact artifact of one CRD document. */
export function crdKind(doc: CrdDocument, file: string): CrdKind {
  return {
    group: doc.spec.group,
    kind: doc.spec.names.kind,
    plural: doc.spec.names.plural,
    scope: doc.spec.scope,
    file,
    versions: doc.spec.versions.map((v) => ({
      name: v.name,
      served: v.served,
      storage: v.storage,
      ...(v.deprecated === true ? { deprecated: true } : {}),
      schema: stripDescriptions(v.schema?.openAPIV3Schema ?? {}) as Record<string, unknown>,
    })),
  };
}

/** The artifact of one add-on release with a Go module. */
export function moduleArtifact(addon: AddonName, release: string, env: NodeJS.ProcessEnv): CrdArtifact {
  const source = ADDONS[addon];
  if (source.module === undefined) throw new Error(`${source.title} publishes no Go module`);
  const { dir, sum } = downloadModule(source.module, release, env);
  return {
    addon,
    release,
    source: `${source.module}@${release} ${sum}`,
    kinds: source.crdFiles.map((f) => crdKind(readCrdFile(join(dir, f)), f)),
  };
}
