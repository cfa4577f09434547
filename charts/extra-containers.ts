/**
 * Init containers and native sidecars of a component. Sidecars are init containers with
 * `restartPolicy: Always` (Kubernetes 1.29+): they start first, keep running beside the main
 * container, and stop after it, so a Job's pod still completes. Both get the same volume
 * mounts as the main container and only the secret keys they list; podTemplate (charts/pod.ts)
 * gives them the hardened security context and pull policy of every container.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
 */
import * as k8s from '../imports/kube';
import type { Component, ExtraContainer } from '../src/spec/app-spec.generated';
import type { SystemContext } from '../src/model/context';
import { literalEnv, probe, resources } from './pod';
import { secretKeyEnv } from './pod-secrets';

function container(ctx: SystemContext, c: Component, x: ExtraContainer, mounts: k8s.VolumeMount[]): k8s.Container {
  const env = [...secretKeyEnv(ctx, [...(x.secrets ?? [])].sort()), ...literalEnv(x.env)];
  return {
    name: x.name,
    image: x.image ?? c.image,
    command: x.command,
    args: x.args,
    env: env.length > 0 ? env : undefined,
    resources: resources(x.resources),
    volumeMounts: mounts,
  };
}

/** The pod's initContainers: sidecars first (so init steps can use them), then init steps in order. */
export function initContainers(ctx: SystemContext, c: Component, mounts: k8s.VolumeMount[]): k8s.Container[] {
  const sidecars = (c.sidecars ?? []).map((x) => ({
    ...container(ctx, c, x, mounts),
    restartPolicy: 'Always',
    livenessProbe: x.probes?.liveness ? probe(x.probes.liveness) : undefined,
    readinessProbe: x.probes?.readiness ? probe(x.probes.readiness) : undefined,
    startupProbe: x.probes?.startup ? probe(x.probes.startup) : undefined,
  }));
  const steps = (c.initContainers ?? []).map((x) => container(ctx, c, x, mounts));
  return [...sidecars, ...steps];
}
