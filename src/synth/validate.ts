/**
 * Validation of every synthesized object against the upstream schema of its kind: the
 * Kubernetes OpenAPI schemas (kubernetes-models) for built-in kinds and the CRD schemas of
 * @kubernetes-models/* for Argo CD, cert-manager, external-secrets, prometheus-operator and
 * sealed-secrets. Longhorn publishes no package; its RecurringJob is checked against the
 * schema in imports/longhorn.ts.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { RECURRING_JOB_OPENAPI_SCHEMA } from '../../imports/longhorn';

import type { Manifest } from '../model/manifest';

type Model = new (data: unknown) => { validate(): void };

/**
 * The upstream model of every kind synth emits, as static requires so that the bundle npm run
 * synth runs (scripts/synth.js) includes them: loading them from the bundle costs each thread
 * a fraction of resolving and reading ~200 modules from node_modules. Any other kind is
 * still found by its module path (see modelFor); test/validate.test.ts checks that every kind
 * in dist/ is listed here.
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
  'policy/v1/PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget,
  'storage.k8s.io/v1/StorageClass': () => require('kubernetes-models/storage.k8s.io/v1/StorageClass').StorageClass,
  'argoproj.io/v1alpha1/Application': () => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application').Application,
  'argoproj.io/v1alpha1/AppProject': () => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject').AppProject,
  'bitnami.com/v1alpha1/SealedSecret': () => require('@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret').SealedSecret,
  'cert-manager.io/v1/ClusterIssuer': () => require('@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer').ClusterIssuer,
  'external-secrets.io/v1beta1/ExternalSecret': () => require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret').ExternalSecret,
  'monitoring.coreos.com/v1/PrometheusRule': () => require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule').PrometheusRule,
  'monitoring.coreos.com/v1/ServiceMonitor': () => require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor').ServiceMonitor,
};
/* eslint-enable @typescript-eslint/no-require-imports */

// API group to the npm module path that holds its models.
const CRD_PACKAGES: Record<string, string> = {
  'argoproj.io': '@kubernetes-models/argo-cd',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'bitnami.com': '@kubernetes-models/sealed-secrets',
};

const models = new Map<string, Model | ValidateFunction>();
const ajv = new Ajv({ allErrors: true, strict: false });

function modelFor(apiVersion: string, kind: string): Model | ValidateFunction {
  const key = `${apiVersion}/${kind}`;
  const cached = models.get(key);
  if (cached !== undefined) return cached;
  let model: Model | ValidateFunction;
  if (apiVersion === 'longhorn.io/v1beta2' && kind === 'RecurringJob') {
    model = ajv.compile(RECURRING_JOB_OPENAPI_SCHEMA);
  } else if (key in KNOWN_MODELS) {
    model = KNOWN_MODELS[key]();
  } else {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const pkg = group === '' || !(group in CRD_PACKAGES) ? 'kubernetes-models' : CRD_PACKAGES[group];
    const path = `${pkg}/${apiVersion}/${kind}`;
    let mod: Record<string, Model>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path);
    } catch {
      throw new Error(`no schema is known for ${apiVersion} ${kind} (looked for ${path})`);
    }
    model = mod[kind];
  }
  models.set(key, model);
  return model;
}

/** Problems of one object against its upstream schema, as "field.path: message" lines. */
export function schemaProblems(manifest: Manifest): string[] {
  const model = modelFor(manifest.apiVersion, manifest.kind);
  if ('prototype' in model && typeof (model as Model).prototype?.validate === 'function') {
    try {
      // The model's validate() checks `this`; calling it on the manifest itself skips the deep
      // copy the constructor makes (synthesized manifests hold no undefined values to drop).
      (model as Model).prototype.validate.call(manifest);
      return [];
    } catch (e) {
      const errors = (e as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
      if (errors === undefined) return [(e as Error).message];
      return errors.map((err) => `${pointerToPath(err.instancePath)}: ${err.message ?? 'is not valid'}`);
    }
  }
  const validate = model as ValidateFunction;
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((err) => `${pointerToPath(err.instancePath)}: ${err.message ?? 'is not valid'}`);
}

function pointerToPath(pointer: string): string {
  const path = pointer
    .split('/')
    .slice(1)
    .map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`))
    .join('');
  return path.startsWith('.') ? path.slice(1) : path || '(object)';
}
