/**
 * A HorizontalPodAutoscaler (autoscaling/v2) on CPU for a component with `autoscaling`.
 * Its Deployment leaves out spec.replicas, and the Argo CD Application ignores
 * /spec/replicas as a safety net.
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import type { Autoscaling as AutoscalingSpec } from '../src/spec/app-spec.generated';
import { objectMeta, WAVE } from './meta';

export interface AutoscalingProps {
  readonly ctx: SystemContext;
  /** Name of the Deployment to scale (also the HPA's name). */
  readonly deployment: string;
  readonly autoscaling: AutoscalingSpec;
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
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: a.targetCPUUtilization ?? DEFAULTS.targetCPUUtilization },
            },
          },
        ],
      },
    });
  }
}
