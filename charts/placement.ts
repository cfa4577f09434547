/**
 * Where a component's pods run: the platform's PriorityClass for API backends (`critical`),
 * zone spreading for workloads with several replicas, and the spec's node selector and
 * tolerations. Zone spreading is `ScheduleAnyway`: a single-zone cluster still schedules every
 * pod, while a multi-zone one keeps a zone outage from taking all replicas.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
import type * as k8s from '../imports/kube';
import type { SystemContext } from '../src/model/context';
import { PRIORITY_CLASS, selectorLabels } from '../src/model/names';
import type { Component } from '../src/spec/app-spec.generated';

/** The well-known node label of a node's zone. */
export const ZONE_KEY = 'topology.kubernetes.io/zone';

export interface Placement {
  readonly priorityClassName?: string;
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: k8s.Toleration[];
}

/** Zone spreading of one workload's pods, one zone at most one pod ahead of another. */
export function zoneSpread(ctx: SystemContext, workload: string): k8s.TopologySpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: ZONE_KEY,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: selectorLabels(ctx, workload) },
      // Count only the pods of the current ReplicaSet, so a rollout is not skewed by old pods.
      matchLabelKeys: ['pod-template-hash'],
    },
  ];
}

/** Pod spec fields of a component's placement; `multiple` when it may run more than one pod. */
export function placement(ctx: SystemContext, workload: string, c: Component, multiple: boolean): Placement {
  const selector = c.nodeSelector === undefined ? undefined : Object.fromEntries(Object.entries(c.nodeSelector).sort(([a], [b]) => a.localeCompare(b)));
  return {
    priorityClassName: c.critical === true ? PRIORITY_CLASS : undefined,
    topologySpreadConstraints: multiple ? zoneSpread(ctx, workload) : undefined,
    nodeSelector: selector,
    tolerations: c.tolerations?.map((t) => ({ key: t.key, operator: t.operator ?? 'Equal', value: t.value, effect: t.effect })),
  };
}
