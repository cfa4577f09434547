/**
 * Validation of custom objects against the real CRD schemas of the add-on releases a platform
 * runs (crds/, extracted from the releases' Go modules by npm run crds): the apiVersion must
 * be one the release serves and does not deprecate (the API server would refuse or warn), and
 * the object must match that version's openAPIV3Schema the way the API server reads it with
 * strict field validation (an unknown field is an error unless the schema preserves unknown
 * fields). CEL rules (x-kubernetes-validations) are left to the API server: the cluster tests
 * apply every object to one with the same CRDs installed.
 */
import Ajv, { ErrorObject, Options, ValidateFunction } from 'ajv';
import { ADDONS, addonOfGroup } from './catalogue';
import { goRegExp } from './go-regexp';
import type { CrdArtifact } from './artifact';
import { ARTIFACTS } from './artifacts.generated';
import { PRECOMPILED } from './validators.generated';
import type { AddonReleases } from './releases';

/** What is checked: a manifest's type fields, the rest is the object itself. */
export interface CustomObject {
  readonly apiVersion: string;
  readonly kind: string;
}


/**
 * How CRD schemas are compiled, here and ahead of time (npm run crds): every error, no format
 * checks (the API server checks few formats and ajv knows none of int32/int64/byte), Go regexps.
 */
export const CRD_AJV_OPTIONS: Options = { allErrors: true, strict: false, validateFormats: false, code: { regExp: goRegExp } };

const ajv = new Ajv(CRD_AJV_OPTIONS);
const validators = new Map<string, ValidateFunction>();
const artifacts = new Map<string, CrdArtifact>();

/** The committed artifact of one add-on release. */
export function artifactOf(addon: keyof AddonReleases, release: string): CrdArtifact {
  const key = `${addon}@${release}`;
  let artifact = artifacts.get(key);
  if (artifact === undefined) {
    const load = ARTIFACTS[key];
    if (load === undefined) throw new Error(`crds/ holds no CRD schemas of ${ADDONS[addon].title} ${release}; known: ${ADDONS[addon].releases.join(', ')}`);
    artifact = load();
    artifacts.set(key, artifact);
  }
  return artifact;
}

/**
 * A CRD schema as ajv must read it to answer like the API server with strict field
 * validation: an object schema that lists properties accepts no others, unless it preserves
 * unknown fields or is an embedded resource (which carries apiVersion, kind and metadata).
 */
export function serverSemantics(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(serverSemantics);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, serverSemantics(sub)]));
    } else if (key === 'enum' || key === 'default' || key === 'example' || key === 'x-kubernetes-validations') {
      out[key] = value;
    } else {
      out[key] = serverSemantics(value);
    }
  }
  const closed =
    node.properties !== undefined &&
    node.additionalProperties === undefined &&
    node['x-kubernetes-preserve-unknown-fields'] !== true &&
    node['x-kubernetes-embedded-resource'] !== true;
  if (closed) out.additionalProperties = false;
  return out;
}

/** Top-level fields the controllers write (Argo CD's `operation` starts a sync): never in dist/. */
const CONTROLLER_FIELDS = ['status', 'operation'];

/**
 * The schema an object is checked against: the served version's, read like the API server,
 * without the controller-written fields, whose subtrees are most of some CRDs (an Argo CD
 * Application's status and operation are 80 % of it) and which dist/ never sets.
 */
export function compilableSchema(schema: Record<string, unknown>): object {
  const properties = { ...(schema.properties as Record<string, unknown> | undefined) };
  for (const field of CONTROLLER_FIELDS) delete properties[field];
  return serverSemantics({ ...schema, properties }) as object;
}

/** Key of a precompiled validator: `addon@release/apiVersion/Kind`. */
export function validatorKey(addon: string, release: string, apiVersion: string, kind: string): string {
  return `${addon}@${release}/${apiVersion}/${kind}`;
}

function message(err: ErrorObject): string {
  const path = pointerToPath(err.instancePath);
  if (err.keyword === 'additionalProperties' && err.instancePath === '' && CONTROLLER_FIELDS.includes((err.params as { additionalProperty: string }).additionalProperty)) {
    return `${(err.params as { additionalProperty: string }).additionalProperty}: is written by the add-on's controller; dist/ must not set it`;
  }
  if (err.keyword === 'additionalProperties') {
    return `${path}: has the field ${JSON.stringify((err.params as { additionalProperty: string }).additionalProperty)}, which the CRD does not define`;
  }
  if (err.keyword === 'enum') {
    return `${path}: must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${path}: ${err.message ?? 'is not valid'}`;
}

/**
 * What checks one kind of one release: its validator, or the problems every object of that
 * kind has (a kind or version the release does not serve). Worked out once per kind.
 */
type KindCheck = { readonly validate: ValidateFunction } | { readonly problems: string[] };
const kindChecks = new Map<string, KindCheck>();

function kindCheck(addon: keyof AddonReleases, release: string, group: string, version: string, apiVersion: string, kind: string, key: string): KindCheck {
  const where = `${ADDONS[addon].title} ${release} (platform.yaml addons.${addon})`;
  const artifact = artifactOf(addon, release);
  const crd = artifact.kinds.find((k) => k.group === group && k.kind === kind);
  if (crd === undefined) {
    const kinds = artifact.kinds.filter((k) => k.group === group).map((k) => k.kind);
    return { problems: [`kind: ${kind} is not among the ${group} kinds whose CRDs crds/ holds for ${where}: ${kinds.join(', ')}; add its CRD file to src/addons/catalogue.ts and run npm run crds`] };
  }
  const served = crd.versions.filter((x) => x.served && x.deprecated !== true).map((x) => `${group}/${x.name}`);
  const v = crd.versions.find((x) => x.name === version);
  if (v === undefined || !v.served) {
    return { problems: [`apiVersion: ${apiVersion} ${kind} is not served by ${where}; it serves ${served.join(', ')}`] };
  }
  if (v.deprecated === true) {
    return { problems: [`apiVersion: ${apiVersion} ${kind} is deprecated in ${where} (the API server warns on every request); use ${served.join(', ')}`] };
  }
  // The default releases' validators are compiled ahead of time (an Argo CD Application takes
  // ~0.7 s to compile, on every run and in every worker); other releases compile once here.
  let validate = PRECOMPILED[`${addon}@${release}`]?.()[key] ?? validators.get(key);
  if (validate === undefined) {
    validate = ajv.compile(compilableSchema(v.schema));
    validators.set(key, validate);
  }
  return { validate };
}

/**
 * Problems of one custom object against the CRDs of the release that owns its API group, as
 * "field.path: message" lines; undefined when no add-on owns the group (a built-in kind).
 */
export function crdProblems(object: CustomObject, releases: AddonReleases): string[] | undefined {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const addon = addonOfGroup(group);
  if (addon === undefined) return undefined;
  const release = releases[addon];
  const key = validatorKey(addon, release, object.apiVersion, object.kind);
  let check = kindChecks.get(key);
  if (check === undefined) {
    check = kindCheck(addon, release, group, version, object.apiVersion, object.kind, key);
    kindChecks.set(key, check);
  }
  if ('problems' in check) return [...check.problems];
  if (check.validate(object)) return [];
  return (check.validate.errors ?? []).map(message);
}

export function pointerToPath(pointer: string): string {
  const path = pointer
    .split('/')
    .slice(1)
    .map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`))
    .join('');
  return path.startsWith('.') ? path.slice(1) : path || '(object)';
}
