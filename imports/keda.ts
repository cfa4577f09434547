/**
 * KEDA ScaledObject and TriggerAuthentication (keda.sh/v1alpha1). No npm package publishes
 * KEDA's models, so the types and the OpenAPI schemas below cover the fields synth emits,
 * written from the CRDs of KEDA v2.21.0 (Go module github.com/kedacore/keda/v2, files
 * config/crd/bases/keda.sh_scaledobjects.yaml and keda.sh_triggerauthentications.yaml).
 * test/keda-crd.test.ts checks every emitted object against those real CRDs as well.
 * @see https://keda.sh/docs/2.21/reference/scaledobject-spec/
 */
import { Construct } from 'constructs';
import type * as k8s from './kube';
import { CustomResource, CustomResourceProps } from './custom-resource';

/** The KEDA release whose CRDs the types and schemas below follow. */
export const KEDA_RELEASE = { module: 'github.com/kedacore/keda/v2', version: 'v2.21.0' } as const;

export interface ScaledObjectTrigger {
  /** Scaler name: `redis`, `cpu`, ... */
  readonly type: string;
  /** Scaler parameters; every value is a string. */
  readonly metadata: Record<string, string>;
  /** `Utilization` or `AverageValue` (cpu and memory scalers only). */
  readonly metricType?: 'AverageValue' | 'Utilization' | 'Value';
  /** TriggerAuthentication in the same namespace that supplies secret parameters. */
  readonly authenticationRef?: { readonly name: string; readonly kind?: 'TriggerAuthentication' };
}

export interface ScaledObjectSpec {
  readonly scaleTargetRef: { readonly apiVersion?: string; readonly kind?: string; readonly name: string };
  readonly pollingInterval?: number;
  readonly cooldownPeriod?: number;
  readonly minReplicaCount?: number;
  readonly maxReplicaCount?: number;
  readonly advanced?: {
    readonly horizontalPodAutoscalerConfig?: { readonly name?: string; readonly behavior?: k8s.HorizontalPodAutoscalerBehavior };
  };
  readonly triggers: ScaledObjectTrigger[];
}

export interface TriggerAuthenticationSpec {
  /** Scaler parameters read from keys of Secrets in the same namespace. */
  readonly secretTargetRef: Array<{ readonly parameter: string; readonly name: string; readonly key: string }>;
}

const objectMeta = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } } as const;
const scalingRules = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stabilizationWindowSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
    selectPolicy: { type: 'string' },
    policies: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['periodSeconds', 'type', 'value'],
        properties: { type: { type: 'string' }, value: { type: 'integer' }, periodSeconds: { type: 'integer' } },
      },
    },
  },
} as const;

export const SCALED_OBJECT_OPENAPI_SCHEMA = {
  type: 'object',
  required: ['spec'],
  properties: {
    ...objectMeta,
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['scaleTargetRef', 'triggers'],
      properties: {
        scaleTargetRef: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' } },
        },
        pollingInterval: { type: 'integer' },
        cooldownPeriod: { type: 'integer' },
        minReplicaCount: { type: 'integer' },
        maxReplicaCount: { type: 'integer' },
        advanced: {
          type: 'object',
          additionalProperties: false,
          properties: {
            horizontalPodAutoscalerConfig: {
              type: 'object',
              additionalProperties: false,
              properties: {
                name: { type: 'string' },
                behavior: { type: 'object', additionalProperties: false, properties: { scaleUp: scalingRules, scaleDown: scalingRules } },
              },
            },
          },
        },
        triggers: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['metadata', 'type'],
            properties: {
              type: { type: 'string' },
              metadata: { type: 'object', additionalProperties: { type: 'string' } },
              metricType: { type: 'string' },
              authenticationRef: {
                type: 'object',
                additionalProperties: false,
                required: ['name'],
                properties: { name: { type: 'string' }, kind: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const TRIGGER_AUTHENTICATION_OPENAPI_SCHEMA = {
  type: 'object',
  required: ['spec'],
  properties: {
    ...objectMeta,
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        secretTargetRef: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'name', 'parameter'],
            properties: { parameter: { type: 'string' }, name: { type: 'string' }, key: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

export class ScaledObject extends CustomResource<ScaledObjectSpec> {
  static readonly GVK = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<ScaledObjectSpec>) {
    super(scope, id, ScaledObject.GVK.apiVersion, ScaledObject.GVK.kind, props);
  }
}

export class TriggerAuthentication extends CustomResource<TriggerAuthenticationSpec> {
  static readonly GVK = { apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<TriggerAuthenticationSpec>) {
    super(scope, id, TriggerAuthentication.GVK.apiVersion, TriggerAuthentication.GVK.kind, props);
  }
}
