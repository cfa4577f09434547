/**
 * The pod of a Job-shaped workload from the jobs model (src/model/jobs.ts): its steps in
 * order (all but the last as init containers, so each starts only after the one before it
 * succeeded), hardened like every pod of ours, with a writable /tmp and, where a
 * ReadWriteOnce volume demands it, on the node of the pod that holds that volume.
 */
import * as k8s from '../imports/kube';
import { DEFAULTS, SystemContext } from '../src/model/context';
import type { JobStep, JobWorkload } from '../src/model/jobs';
import { names, selectorLabels, workloadLabels } from '../src/model/names';
import { containerSecurityContext, podSecurityContext, resources, scratchVolumes } from './pod';

export interface JobPodOptions {
  /**
   * Mount the ServiceAccount token: only a restore Job that scales the SQLite writer calls the API.
   * @default false
   */
  readonly apiAccess?: boolean;
}

/** A container of one step, with the pod's identity and the shared scratch /tmp. */
export function stepContainer(step: JobStep, id: { runAsUser: number; runAsGroup: number }, scratchMounts: k8s.VolumeMount[]): k8s.Container {
  return {
    name: step.name,
    image: step.image,
    imagePullPolicy: 'IfNotPresent',
    command: step.command,
    env: step.env.length > 0 ? step.env : undefined,
    resources: resources(DEFAULTS.backupJob.resources),
    securityContext: containerSecurityContext(id),
    volumeMounts: [...step.mounts, ...scratchMounts],
  };
}

/** Labels and spec of the pod template of a Job-shaped workload. */
export function jobPodTemplate(ctx: SystemContext, job: JobWorkload, options: JobPodOptions = {}): k8s.PodTemplateSpec {
  const id = { runAsUser: job.uid, runAsGroup: job.gid };
  const scratch = scratchVolumes(['/tmp']);
  const containers = job.steps.map((s) => stepContainer(s, id, scratch.mounts));
  return {
    metadata: { labels: workloadLabels(ctx, job.workload) },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: names.component(ctx, job.workload),
      automountServiceAccountToken: options.apiAccess ?? false,
      enableServiceLinks: false,
      securityContext: podSecurityContext(id),
      affinity:
        job.colocateWith === undefined
          ? undefined
          : {
              podAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels(ctx, job.colocateWith) } },
                ],
              },
            },
      initContainers: containers.length > 1 ? containers.slice(0, -1) : undefined,
      containers: containers.slice(-1),
      volumes: [...job.volumes, ...scratch.volumes],
    },
  };
}
