/**
 * Validation of every synthesized object against the upstream schema of its kind: the
 * Kubernetes OpenAPI schemas (kubernetes-models) for built-in kinds and the CRD schemas of
 * @kubernetes-models/* for Argo CD, cert-manager, external-secrets, prometheus-operator and
 * sealed-secrets. Longhorn publishes no package; its RecurringJob is checked against the
 * schema in imports/longhorn.ts.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { RECURRING_JOB_OPENAPI_SCHEMA } from '../../imports/longhorn';

/** A manifest as synthesized: plain JSON with apiVersion, kind and metadata. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

type Model = new (data: unknown) => { validate(): void };

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
