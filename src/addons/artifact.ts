/**
 * The committed form of one add-on release's CRDs (crds/<addon>/<release>.json): for each kind
 * dist/ may use, the versions the release defines, whether each is served, and its
 * openAPIV3Schema with the `description` texts stripped, so only facts remain. `npm run crds`
 * writes these from the Go module zips; synth reads them without Go or network.
 */
import type { AddonName } from './catalogue';

export interface CrdVersion {
  /** API version name, e.g. `v1`. */
  readonly name: string;
  /** Whether the API server answers for this version. */
  readonly served: boolean;
  /** Whether objects are stored in this version. */
  readonly storage: boolean;
  /** Whether the API server warns on every request for this version. */
  readonly deprecated?: boolean;
  readonly schema: Record<string, unknown>;
}

export interface CrdKind {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** The CRD file inside the module zip (or the file the schema was written from). */
  readonly file: string;
  readonly versions: readonly CrdVersion[];
}

export interface CrdArtifact {
  readonly addon: AddonName;
  readonly release: string;
  /** `module@version` and its go.sum hash, or where a hand-written schema was checked. */
  readonly source: string;
  readonly kinds: readonly CrdKind[];
}

/**
 * A CRD schema without its `description` texts. A property that is itself named
 * `description` (an AppProject's spec.description) is kept: only the keyword goes.
 */
export function stripDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripDescriptions);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' && typeof value === 'string') continue;
    if ((key === 'properties' || key === 'patternProperties' || key === 'definitions') && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, stripDescriptions(sub)]));
    } else {
      out[key] = stripDescriptions(value);
    }
  }
  return out;
}
