/**
 * KEDA ScaledObject and TriggerAuthentication (keda.sh/v1alpha1). No npm package publishes
 * KEDA's models, so the types below cover the fields synth emits. Synth validates every
 * emitted object against the real CRDs of the KEDA release platform.yaml names
 * (addons.keda; crds/keda/, extracted by npm run crds from github.com/kedacore/keda/v2).
 * @see https://keda.sh/docs/2.21/reference/scaledobject-spec/
 */
import { Construct } from 'constructs';
import type * as k8s from './kube';
import { CustomResource, CustomResourceProps } from './custom-resource';

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
