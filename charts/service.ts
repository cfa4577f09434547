/** A ClusterIP Service in front of a web component, on the container's named port. */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { selectorLabels, systemLabels } from '../src/model/names';
import { objectMeta, WAVE } from './meta';

export interface ServiceProps {
  readonly ctx: SystemContext;
  /** Service name, the same as the workload's. */
  readonly name: string;
  /** The workload whose pods it selects. */
  readonly workload: string;
  readonly port: number;
  /**
   * Headless (clusterIP None), for a StatefulSet's governing Service.
   * @default false
   */
  readonly headless?: boolean;
}

export class Service extends Construct {
  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const { ctx } = props;
    new k8s.KubeService(this, 'service', {
      metadata: objectMeta(ctx, props.name, props.headless ? WAVE.database : WAVE.workload, {
        labels: { ...systemLabels(ctx), ...selectorLabels(ctx, props.workload) },
      }),
      spec: {
        type: 'ClusterIP',
        clusterIP: props.headless ? 'None' : undefined,
        selector: selectorLabels(ctx, props.workload),
        ports: [{ name: 'http', port: props.port, targetPort: 'http', protocol: 'TCP' }],
      },
    });
  }
}
