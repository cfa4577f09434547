/**
 * A PodDisruptionBudget that lets a node drain proceed one pod at a time. maxUnavailable 1
 * is used for every workload, single-replica ones included: minAvailable equal to the
 * replica count would block every drain (kube-linter pdb-min-available, Polaris
 * pdbDisruptionsIsZero), and a singleton has to move during a drain anyway.
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { names, selectorLabels } from '../src/model/names';
import { objectMeta, WAVE } from './meta';

export interface DisruptionBudgetProps {
  readonly ctx: SystemContext;
  /** Workload name (component, postgres or redis); the PDB gets the same object name. */
  readonly workload: string;
}

export class DisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    const { ctx } = props;
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: objectMeta(ctx, names.component(ctx, props.workload), WAVE.workload),
      spec: {
        maxUnavailable: 1,
        // A crash-looping pod must not block a node drain (kube-linter pdb-unhealthy-pod-eviction-policy).
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
        selector: { matchLabels: selectorLabels(ctx, props.workload) },
      },
    });
  }
}
