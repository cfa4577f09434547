/**
 * CustomResourceDefinitions of the kinds dist/ uses, for the test API server. No npm package
 * ships these projects' CRD manifests (the @kubernetes-models packages ship compiled
 * validators, which synth already runs on every object), so they are defined here: the
 * Longhorn RecurringJob with the full schema of imports/longhorn.ts, the others with the
 * top-level shape of the real CRDs (spec an object, scope and names as upstream) and the
 * rest of the spec preserved, so the server checks names, scope, versions and structure.
 */
import { BACKUP_TARGET_OPENAPI_SCHEMA, RECURRING_JOB_OPENAPI_SCHEMA } from '../../imports/longhorn';
import type { K8sObject } from './api';

interface CrdSpec {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly schema?: object;
  /** Whether objects must have a spec, as upstream requires. */
  readonly requiredSpec?: boolean;
}

const open = (required: boolean) => ({
  type: 'object',
  required: required ? ['spec'] : undefined,
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    // Argo CD stores the last sync operation at the top level.
    operation: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
});

export const CRD_SPECS: readonly CrdSpec[] = [
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', plural: 'applications', scope: 'Namespaced', requiredSpec: true },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'AppProject', plural: 'appprojects', scope: 'Namespaced', requiredSpec: true },
  { group: 'longhorn.io', version: 'v1beta2', kind: 'RecurringJob', plural: 'recurringjobs', scope: 'Namespaced', schema: RECURRING_JOB_OPENAPI_SCHEMA },
  { group: 'longhorn.io', version: 'v1beta2', kind: 'BackupTarget', plural: 'backuptargets', scope: 'Namespaced', schema: BACKUP_TARGET_OPENAPI_SCHEMA },
  { group: 'cert-manager.io', version: 'v1', kind: 'ClusterIssuer', plural: 'clusterissuers', scope: 'Cluster', requiredSpec: true },
  { group: 'external-secrets.io', version: 'v1beta1', kind: 'ExternalSecret', plural: 'externalsecrets', scope: 'Namespaced', requiredSpec: true },
  { group: 'bitnami.com', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', scope: 'Namespaced', requiredSpec: true },
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'ServiceMonitor', plural: 'servicemonitors', scope: 'Namespaced', requiredSpec: true },
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'PrometheusRule', plural: 'prometheusrules', scope: 'Namespaced', requiredSpec: true },
];

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

export function crdName(c: CrdSpec): string {
  return `${c.plural}.${c.group}`;
}

export function crdObjects(): K8sObject[] {
  return CRD_SPECS.map((c) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(c) },
    spec: {
      group: c.group,
      scope: c.scope,
      names: { kind: c.kind, plural: c.plural, singular: c.kind.toLowerCase(), listKind: `${c.kind}List` },
      versions: [
        {
          name: c.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: structural(JSON.parse(JSON.stringify(c.schema ?? open(c.requiredSpec === true)))) },
        },
      ],
    },
  }));
}
