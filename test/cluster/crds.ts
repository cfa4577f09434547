/**
 * The CustomResourceDefinitions the test API server gets: the real, full CRD files of the
 * add-on releases (the same files npm run crds extracts crds/ from), read from each release's
 * Go module in the module cache (`go mod download`, pinned by version; .ci/run fetches them
 * with `npm run crds -- --check`). Longhorn publishes no module: its RecurringJob CRD is made
 * from the schema written in imports/longhorn.ts. Other suites install the same CRDs by
 * calling crdObjects() and waiting for crdNames() to be established.
 */
import { ADDON_NAMES, ADDONS } from '../../src/addons/catalogue';
import { artifactOf } from '../../src/addons/crd-validate';
import { crdFilePaths, readCrdFile } from '../../src/addons/module-crds';
import { AddonReleases, DEFAULT_RELEASES } from '../../src/addons/releases';
import type { K8sObject } from './api';

/**
 * A structural CRD schema may not combine `properties` with `additionalProperties`; unknown
 * fields are rejected by strict field validation instead, so drop `additionalProperties: false`.
 */
function structural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structural);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'additionalProperties' && v === false) continue;
    out[k] = structural(v);
  }
  return out;
}

/** Longhorn's CRDs from its committed artifact (the schema written in imports/longhorn.ts). */
function longhornCrds(release: string): K8sObject[] {
  return artifactOf('longhorn', release).kinds.map((k) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${k.group}` },
    spec: {
      group: k.group,
      scope: k.scope,
      names: { kind: k.kind, plural: k.plural, singular: k.kind.toLowerCase(), listKind: `${k.kind}List` },
      versions: k.versions.map((v) => ({ name: v.name, served: v.served, storage: v.storage, schema: { openAPIV3Schema: structural(v.schema) } })),
    },
  }));
}

/**
 * Every CRD of the add-on releases `releases` (default: the catalogue's defaults, which
 * platform.yaml names), as full objects ready for server-side apply. `env` is the
 * environment `go` runs with.
 */
export function crdObjects(releases: AddonReleases = DEFAULT_RELEASES, env: NodeJS.ProcessEnv = process.env): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const addon of ADDON_NAMES) {
    if (ADDONS[addon].module === undefined) {
      objects.push(...longhornCrds(releases[addon]));
      continue;
    }
    for (const path of crdFilePaths(addon, releases[addon], env)) {
      const crd = readCrdFile(path) as unknown as K8sObject & { metadata: { creationTimestamp?: unknown } };
      // controller-gen writes `creationTimestamp: null`, which the server owns.
      const { creationTimestamp: _ignored, ...metadata } = crd.metadata;
      objects.push({ ...crd, metadata } as K8sObject);
    }
  }
  return objects;
}

/** The names of the CRDs crdObjects() returns, to wait for each to be established. */
export function crdNames(objects: readonly K8sObject[]): string[] {
  return objects.map((o) => o.metadata.name);
}

/** One CRD of the default releases, as suites that wait for CRDs by name list them. */
export interface CrdSpec {
  readonly group: string;
  /** The storage version. */
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
}

/** Every CRD crdObjects() installs for the default releases, from the committed artifacts (no Go needed). */
export const CRD_SPECS: readonly CrdSpec[] = ADDON_NAMES.flatMap((addon) =>
  artifactOf(addon, DEFAULT_RELEASES[addon]).kinds.map((k) => ({
    group: k.group,
    version: k.versions.find((v) => v.storage)!.name,
    kind: k.kind,
    plural: k.plural,
    scope: k.scope,
  })),
);

/** The object name of a CRD: `<plural>.<group>`. */
export function crdName(c: Pick<CrdSpec, 'plural' | 'group'>): string {
  return `${c.plural}.${c.group}`;
}
