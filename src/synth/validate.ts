/**
 * Validation of every synthesized object against the upstream schema of its kind: the
 * Kubernetes OpenAPI schemas (kubernetes-models) for built-in kinds, and for custom resources
 * the real CRD schemas of the add-on releases platform.yaml names (src/addons/crd-validate.ts:
 * crds/, extracted from each release's Go module; Longhorn's written in imports/longhorn.ts).
 */
import { crdProblems, pointerToPath } from '../addons/crd-validate';
import { AddonReleases, DEFAULT_RELEASES } from '../addons/releases';

import type { Manifest } from '../model/manifest';

type Model = new (data: unknown) => { validate(): void };

/**
 * The upstream model of every kind synth emits, as static requires so that the bundle npm run
 * synth runs (scripts/synth.js) includes them: loading them from the bundle costs each thread
 * a fraction of resolving and reading ~200 modules from node_modules. Any other built-in kind
 * is still found by its module path (see modelFor); test/validate.test.ts checks that every
 * built-in kind in dist/ is listed here. Custom resources are checked against their CRDs.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const KNOWN_MODELS: Readonly<Record<string, () => Model>> = {
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap').ConfigMap,
  'v1/Namespace': () => require('kubernetes-models/v1/Namespace').Namespace,
  'v1/PersistentVolumeClaim': () => require('kubernetes-models/v1/PersistentVolumeClaim').PersistentVolumeClaim,
  'v1/Secret': () => require('kubernetes-models/v1/Secret').Secret,
  'v1/Service': () => require('kubernetes-models/v1/Service').Service,
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1/Deployment').Deployment,
  'apps/v1/StatefulSet': () => require('kubernetes-models/apps/v1/StatefulSet').StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': () => require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  'batch/v1/CronJob': () => require('kubernetes-models/batch/v1/CronJob').CronJob,
  'batch/v1/Job': () => require('kubernetes-models/batch/v1/Job').Job,
  'networking.k8s.io/v1/Ingress': () => require('kubernetes-models/networking.k8s.io/v1/Ingress').Ingress,
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  'scheduling.k8s.io/v1/PriorityClass': () => require('kubernetes-models/scheduling.k8s.io/v1/PriorityClass').PriorityClass,
  'policy/v1/PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget,
  'storage.k8s.io/v1/StorageClass': () => require('kubernetes-models/storage.k8s.io/v1/StorageClass').StorageClass,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const models = new Map<string, Model>();

/** No schema describes a kind: neither a built-in one nor one of an add-on's CRDs. */
export class UnknownKindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownKindError';
  }
}

function modelFor(apiVersion: string, kind: string): Model {
  const key = `${apiVersion}/${kind}`;
  const cached = models.get(key);
  if (cached !== undefined) return cached;
  let model: Model;
  if (key in KNOWN_MODELS) {
    model = KNOWN_MODELS[key]();
  } else {
    const path = `kubernetes-models/${apiVersion}/${kind}`;
    let mod: Record<string, Model>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path);
    } catch {
      throw new UnknownKindError(`no schema is known for ${apiVersion} ${kind} (looked for ${path})`);
    }
    model = mod[kind];
  }
  models.set(key, model);
  return model;
}

/**
 * Problems of one object against its upstream schema, as "field.path: message" lines. Custom
 * resources are checked against the CRDs of `releases` (by default the catalogue's).
 */
export function schemaProblems(manifest: Manifest, releases: AddonReleases = DEFAULT_RELEASES): string[] {
  const custom = crdProblems(manifest, releases);
  if (custom !== undefined) return custom;
  const model = modelFor(manifest.apiVersion, manifest.kind);
  try {
    // The model's validate() checks `this`; calling it on the manifest itself skips the deep
    // copy the constructor makes (synthesized manifests hold no undefined values to drop).
    (model.prototype as { validate(this: unknown): void }).validate.call(manifest);
    return [];
  } catch (e) {
    const errors = (e as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    if (errors === undefined) return [(e as Error).message];
    return errors.map((err) => `${pointerToPath(err.instancePath)}: ${err.message ?? 'is not valid'}`);
  }
}
