/**
 * The platform's PriorityClass for databases and API backends: when a node runs short, the
 * scheduler preempts and the kubelet evicts other pods first. Cluster-scoped, so the platform
 * Application owns it (no two Applications may own one object); its value stays far below
 * Kubernetes' own system-cluster-critical (2000000000).
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { PRIORITY_CLASS } from '../src/model/names';
import { APP_WAVE, SYNC_WAVE } from './meta';

/** Priority of databases and API backends; pods without a class get 0. */
export const CRITICAL_PRIORITY = 100000;

export interface CriticalPriorityClassProps {
  /** Labels of the platform's objects. */
  readonly labels: Record<string, string>;
}

export class CriticalPriorityClass extends Construct {
  constructor(scope: Construct, id: string, props: CriticalPriorityClassProps) {
    super(scope, id);
    new k8s.KubePriorityClass(this, 'priority-class', {
      // Pods naming a missing class are refused: it must exist before any system syncs.
      metadata: { name: PRIORITY_CLASS, labels: props.labels, annotations: { [SYNC_WAVE]: String(APP_WAVE.priorityClass) } },
      value: CRITICAL_PRIORITY,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Databases and API backends of the web systems (gitops-synth): evicted last, scheduled first.',
    });
  }
}
