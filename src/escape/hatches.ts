/**
 * The data escape hatches of a system: `extraObjects` (whole objects added to its folder) and
 * `patches` (JSON Patch or strategic merge on a generated object). They run on the objects the
 * charts made, before schema validation and the policy gate, so what they produce is checked
 * like everything else; each object they add or change is recorded with the spec field that did
 * it, so a policy violation names that field and a waiver can excuse it (src/policy/gate.ts).
 */
import { JsonPatch } from 'cdk8s';
import type { SystemContext } from '../model/context';
import type { Manifest } from '../model/manifest';
import { systemLabels } from '../model/names';
import type { Problem } from '../spec/errors';
import type { Patch } from '../spec/app-spec.generated';
import { StrategicMergeError, strategicMerge } from './strategic-merge';

/**
 * Kinds without a namespace: a system's Application deploys into its own namespace, so an
 * escape hatch may not add them (they would reach past the system into the whole cluster).
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterSecretStore',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** `Kind/name` of an object: how patches target it and how origins are keyed. */
export function objectKey(m: { readonly kind: string; readonly metadata: { readonly name: string } }): string {
  return `${m.kind}/${m.metadata.name}`;
}

/** What the escape hatches made of a system's objects. */
export interface HatchResult {
  readonly manifests: Manifest[];
  /** `Kind/name` of each object an escape hatch added or changed, to the spec field that did. */
  readonly origins: Map<string, string>;
  readonly problems: Problem[];
}

/** Where the hatches of this system and environment are in the spec file. */
export interface HatchFields {
  /** e.g. `extraObjects` or `environments.dev.extraObjects` */
  readonly extraObjects: string;
  readonly patches: string;
}

function addExtraObjects(ctx: SystemContext, out: Manifest[], origins: Map<string, string>, problems: Problem[], at: string): void {
  (ctx.spec.extraObjects ?? []).forEach((raw, i) => {
    const field = `${at}[${i}]`;
    const obj = structuredClone(raw) as unknown as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };
    if (CLUSTER_SCOPED_KINDS.has(obj.kind)) {
      problems.push({ path: `${field}.kind`, problem: `is ${obj.kind}, which is cluster-scoped; a system's objects live in its namespace ${ctx.namespace} (cluster-wide objects belong to platform.yaml)` });
      return;
    }
    const ns = obj.metadata.namespace;
    if (ns !== undefined && ns !== ctx.namespace) {
      problems.push({ path: `${field}.metadata.namespace`, problem: `is ${JSON.stringify(ns)}, but the system deploys to ${ctx.namespace}; leave it out or set ${ctx.namespace}` });
      return;
    }
    const key = objectKey(obj);
    if (out.some((m) => objectKey(m) === key)) {
      problems.push({ path: `${field}.metadata.name`, problem: `${key} is already generated; change it with 'patches' instead of adding a second one` });
      return;
    }
    obj.metadata.namespace = ctx.namespace;
    obj.metadata.labels = { ...systemLabels(ctx), ...obj.metadata.labels };
    out.push(obj as Manifest);
    origins.set(key, field);
  });
}

/** One JSON Patch operation of the spec as cdk8s' JsonPatch (fast-json-patch underneath). */
function jsonPatchOp(op: NonNullable<Patch['jsonPatch']>[number]): JsonPatch {
  switch (op.op) {
    case 'add':
      return JsonPatch.add(op.path, op.value);
    case 'remove':
      return JsonPatch.remove(op.path);
    case 'replace':
      return JsonPatch.replace(op.path, op.value);
    case 'test':
      return JsonPatch.test(op.path, op.value);
    case 'move':
      return JsonPatch.move(op.from ?? '', op.path);
    case 'copy':
      return JsonPatch.copy(op.from ?? '', op.path);
  }
}

function applyPatch(target: Manifest, p: Patch, field: string, problems: Problem[]): Manifest | undefined {
  if ((p.jsonPatch === undefined) === (p.strategicMerge === undefined)) {
    problems.push({ path: field, problem: `sets ${p.jsonPatch === undefined ? 'neither' : 'both'} of jsonPatch and strategicMerge; give exactly one` });
    return undefined;
  }
  if (p.strategicMerge !== undefined) {
    try {
      return strategicMerge(target, p.strategicMerge as Record<string, unknown>);
    } catch (e) {
      if (!(e instanceof StrategicMergeError)) throw e;
      problems.push({ path: `${field}.strategicMerge`, problem: e.message });
      return undefined;
    }
  }
  let doc: unknown = structuredClone(target);
  for (const [j, op] of p.jsonPatch!.entries()) {
    if ((op.op === 'move' || op.op === 'copy') && op.from === undefined) {
      problems.push({ path: `${field}.jsonPatch[${j}].from`, problem: `is required by op ${op.op}` });
      return undefined;
    }
    try {
      doc = JsonPatch.apply(doc, jsonPatchOp(op));
    } catch (e) {
      const why = (e as Error).message.split('\n')[0];
      problems.push({ path: `${field}.jsonPatch[${j}]`, problem: `cannot ${op.op} ${op.path} on ${objectKey(target)}: ${why}` });
      return undefined;
    }
  }
  return doc as Manifest;
}

function applyPatches(ctx: SystemContext, out: Manifest[], origins: Map<string, string>, problems: Problem[], at: string): void {
  (ctx.spec.patches ?? []).forEach((p, i) => {
    const field = `${at}[${i}]`;
    const key = `${p.target.kind}/${p.target.name}`;
    const index = out.findIndex((m) => objectKey(m) === key);
    if (index < 0) {
      const same = out.filter((m) => m.kind === p.target.kind).map((m) => m.metadata.name);
      problems.push({
        path: `${field}.target`,
        problem: `${key} is not an object of this system in ${ctx.env}; ${same.length > 0 ? `its ${p.target.kind}s: ${same.join(', ')}` : `it has no ${p.target.kind}`}`,
      });
      return;
    }
    const patched = applyPatch(out[index], p, field, problems);
    if (patched === undefined) return;
    if (objectKey(patched) !== key || patched.apiVersion !== out[index].apiVersion || patched.metadata.namespace !== out[index].metadata.namespace) {
      problems.push({ path: field, problem: `changes the apiVersion, kind, name or namespace of ${key}; add another object with extraObjects instead` });
      return;
    }
    out[index] = patched;
    origins.set(key, field);
  });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

/**
 * An object with its keys in the order cdk8s writes generated ones (apiVersion, kind, metadata,
 * then the rest, every map sorted), so a hatched file reads like its neighbours and a patch
 * that only reorders keys changes nothing.
 */
export function canonicalObject(m: Manifest): Manifest {
  const { apiVersion, kind, metadata, ...rest } = m;
  return { apiVersion, kind, metadata: sortKeys(metadata), ...(sortKeys(rest) as object) } as Manifest;
}

/** Adds the system's extraObjects and applies its patches, in spec order. */
export function applyEscapeHatches(ctx: SystemContext, manifests: readonly Manifest[], fields: HatchFields): HatchResult {
  const out = [...manifests];
  const origins = new Map<string, string>();
  const problems: Problem[] = [];
  addExtraObjects(ctx, out, origins, problems, fields.extraObjects);
  applyPatches(ctx, out, origins, problems, fields.patches);
  return { manifests: out.map((m) => (origins.has(objectKey(m)) ? canonicalObject(m) : m)), origins, problems };
}
