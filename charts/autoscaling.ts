/**
 * A HorizontalPodAutoscaler (autoscaling/v2) for a component with `autoscaling`: CPU, memory,
 * and custom or external metrics that prometheus-adapter serves, with the spec's `behavior`.
 * Its Deployment leaves out spec.replicas, and the Argo CD Application ignores
 * /spec/replicas as a safety net.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import type { Autoscaling as AutoscalingSpec, CustomMetric, ScalingBehavior } from '../src/spec/app-spec.generated';
import { objectMeta, WAVE } from './meta';

export interface AutoscalingProps {
  /** The system in one environment. */
  readonly ctx: SystemContext;
  /** Name of the Deployment to scale (also the HPA's name). */
  readonly deployment: string;
  /** The component's `autoscaling` section. */
  readonly autoscaling: AutoscalingSpec;
}

/** HPA behavior from the spec, fields in the order Kubernetes stores them. */
export function hpaBehavior(b: ScalingBehavior | undefined): k8s.HorizontalPodAutoscalerBehavior | undefined {
  if (b === undefined) return undefined;
  const rules = (r: ScalingBehavior['scaleUp']) =>
    r === undefined
      ? undefined
      : {
          stabilizationWindowSeconds: r.stabilizationWindowSeconds,
          selectPolicy: r.selectPolicy,
          policies: r.policies?.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
        };
  return { scaleUp: rules(b.scaleUp), scaleDown: rules(b.scaleDown) };
}

/** One custom or external metric of the spec as an HPA metric source. */
export function customMetric(m: CustomMetric): k8s.MetricSpec {
  if (m.type === 'pods') {
    return { type: 'Pods', pods: { metric: { name: m.name }, target: { type: 'AverageValue', averageValue: m.averageValue } } };
  }
  const selector = m.selector === undefined ? undefined : { matchLabels: sortedRecord(m.selector) };
  const target = m.value !== undefined ? { type: 'Value', value: m.value } : { type: 'AverageValue', averageValue: m.averageValue };
  return { type: 'External', external: { metric: { name: m.name, selector }, target } };
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
}

/** The metrics of an HPA: CPU (always, default target), memory when asked, then custom ones in spec order. */
export function hpaMetrics(a: AutoscalingSpec): k8s.MetricSpec[] {
  const utilization = (name: 'cpu' | 'memory', averageUtilization: number): k8s.MetricSpec => ({
    type: 'Resource',
    resource: { name, target: { type: 'Utilization', averageUtilization } },
  });
  const metrics = [utilization('cpu', a.targetCPUUtilization ?? DEFAULTS.targetCPUUtilization)];
  if (a.targetMemoryUtilization !== undefined) metrics.push(utilization('memory', a.targetMemoryUtilization));
  metrics.push(...(a.metrics ?? []).map(customMetric));
  return metrics;
}

export class Autoscaling extends Construct {
  constructor(scope: Construct, id: string, props: AutoscalingProps) {
    super(scope, id);
    const { ctx, autoscaling: a } = props;
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: objectMeta(ctx, props.deployment, WAVE.workload),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deployment },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: hpaMetrics(a),
        behavior: hpaBehavior(a.behavior),
      },
    });
  }
}
